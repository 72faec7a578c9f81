import { Fragment, ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { Theme, makeStyles } from '@material-ui/core/styles';

/** One row: its cells in column order; a `sub` row belongs to the row above. */
export interface DisplayRow {
  key: string;
  cells: ReactNode[];
  sub?: boolean;
  selected?: boolean;
}

const useStyles = makeStyles(theme => ({
  row: {
    '& > td': { fontWeight: theme.typography.fontWeightMedium as number },
  },
  subCell: { paddingLeft: theme.spacing(4) },
  nowrap: { whiteSpace: 'nowrap' },
  // On paper: the labels' grey is too light on the page's own background.
  block: {
    backgroundColor: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1),
    marginBottom: theme.spacing(1),
    overflowWrap: 'anywhere',
  },
  // A frame, not a shade: shading would take the labels below AA.
  selected: {
    borderColor: theme.palette.primary.main,
    boxShadow: `inset 0 0 0 1px ${theme.palette.primary.main}`,
  },
  subBlock: {
    borderTop: `1px solid ${theme.palette.divider}`,
    marginTop: theme.spacing(1),
    paddingTop: theme.spacing(1),
    paddingLeft: theme.spacing(1),
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1),
    margin: theme.spacing(0.5, 0, 0),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
}));

/** True below the `sm` breakpoint, where tables become stacked blocks. */
export function useNarrow(): boolean {
  // noSsr: read at once, so phones never flash the table first.
  return useMediaQuery((theme: Theme) => theme.breakpoints.down('xs'), {
    noSsr: true,
  });
}

const isEmpty = (cell: ReactNode) =>
  cell === undefined || cell === null || cell === '' || cell === false;

const Fields = (props: { headers: string[]; cells: ReactNode[] }) => {
  const classes = useStyles();
  return (
    <Typography component="dl" variant="body2" className={classes.fields}>
      {props.cells.slice(1).map((cell, i) =>
        isEmpty(cell) ? null : (
          <Fragment key={i}>
            <dt>{props.headers[i + 1]}</dt>
            <dd>{cell}</dd>
          </Fragment>
        ),
      )}
    </Typography>
  );
};

/**
 * A table on wide screens; below `sm`, one card-like block per row (its
 * first cell as title, the others as label/value pairs), sub rows inside.
 */
export const ResponsiveTable = (props: {
  ariaLabel: string;
  headers: string[];
  rows: DisplayRow[];
  /** Columns whose cells never wrap. */
  nowrap?: number[];
}) => {
  const classes = useStyles();
  const narrow = useNarrow();
  const { ariaLabel, headers, rows } = props;
  const nowrap = (i: number) =>
    props.nowrap?.includes(i) ? classes.nowrap : undefined;

  if (narrow) {
    const groups: Array<{ row: DisplayRow; subs: DisplayRow[] }> = [];
    for (const row of rows) {
      const last = groups[groups.length - 1];
      if (row.sub && last) last.subs.push(row);
      else groups.push({ row, subs: [] });
    }
    return (
      <Box role="list" aria-label={ariaLabel}>
        {groups.map(({ row, subs }) => (
          <Box
            key={row.key}
            role="listitem"
            className={`${classes.block} ${
              row.selected ? classes.selected : ''
            }`}
          >
            <Typography variant="subtitle2" component="div">
              {row.cells[0]}
            </Typography>
            <Fields headers={headers} cells={row.cells} />
            {subs.map(sub => (
              <Box key={sub.key} className={classes.subBlock}>
                <Typography variant="body2" component="div">
                  {sub.cells[0]}
                </Typography>
                <Fields headers={headers} cells={sub.cells} />
              </Box>
            ))}
          </Box>
        ))}
      </Box>
    );
  }

  return (
    <Table size="small" aria-label={ariaLabel}>
      <TableHead>
        <TableRow>
          {headers.map((header, i) => (
            <TableCell key={header} className={nowrap(i)}>
              {header}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(row => (
          <TableRow
            key={row.key}
            selected={row.selected}
            className={row.sub ? undefined : classes.row}
          >
            {row.cells.map((cell, i) => (
              <TableCell
                key={i}
                className={
                  [i === 0 && row.sub ? classes.subCell : '', nowrap(i) ?? '']
                    .join(' ')
                    .trim() || undefined
                }
              >
                {cell}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
