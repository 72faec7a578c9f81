import {
  KeyboardEvent,
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import IconButton from '@material-ui/core/IconButton';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import ChevronLeft from '@material-ui/icons/ChevronLeft';
import ChevronRight from '@material-ui/icons/ChevronRight';
import FilterList from '@material-ui/icons/FilterList';
import GetApp from '@material-ui/icons/GetApp';
import SearchIcon from '@material-ui/icons/Search';
import VerticalAlignBottom from '@material-ui/icons/VerticalAlignBottom';
import { LogLine, parseAnsi } from './ansi';
import { LogMatch, findMatches, markMatches } from './logSearch';
import { LOG_PALETTE, ThemeType, chunkColours } from './logColours';

/** Lines per rendered block: a growing log re-renders only its last one. */
const BLOCK = 100;
/** Within this many pixels of the end counts as at the newest line. */
const AT_END_SLACK = 24;

const useStyles = makeStyles(theme => {
  const palette = LOG_PALETTE[theme.palette.type as ThemeType];
  return {
    toolbar: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      justifyContent: 'flex-end',
      gap: theme.spacing(0.5),
      marginBottom: theme.spacing(0.5),
    },
    search: { minWidth: 160, flex: '0 1 240px' },
    count: { minWidth: '6em', textAlign: 'center' },
    scroller: {
      position: 'relative',
      overflow: 'auto',
      background: palette.background,
      color: palette.text,
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
      fontFamily: '"Monaco", "Menlo", "Consolas", monospace',
      fontSize: theme.typography.pxToRem(12),
      lineHeight: '20px',
      '&:focus-visible': {
        outline: `2px solid ${theme.palette.primary.main}`,
        outlineOffset: 1,
      },
    },
    block: {
      contentVisibility: 'auto',
      containIntrinsicSize: 'auto 2000px',
    },
    line: {
      display: 'flex',
      '&:hover': { background: theme.palette.action.hover },
    },
    number: {
      flexShrink: 0,
      boxSizing: 'content-box',
      textAlign: 'right',
      paddingLeft: theme.spacing(0.5),
      paddingRight: theme.spacing(1),
      marginRight: theme.spacing(1),
      borderRight: `1px solid ${theme.palette.divider}`,
      color: palette.text,
      opacity: 0.75,
      userSelect: 'none',
    },
    text: {
      whiteSpace: 'pre-wrap',
      overflowWrap: 'anywhere',
      minWidth: 0,
    },
    bold: { fontWeight: theme.typography.fontWeightBold as number },
    italic: { fontStyle: 'italic' },
    underline: { textDecoration: 'underline' },
    match: { background: '#ffe082', color: '#000000', borderRadius: 2 },
    current: {
      background: '#ff9800',
      color: '#000000',
      outline: '2px solid #000000',
    },
  };
});

type Classes = ReturnType<typeof useStyles>;
const NONE: LogMatch[] = [];

/** One line: its number (not read out) and its styled, marked text. */
const Line = memo(
  (props: {
    line: LogLine;
    matches: LogMatch[];
    first: number;
    current: number;
    digits: number;
    type: ThemeType;
    classes: Classes;
  }) => {
    const { line, classes, type } = props;
    return (
      <div className={classes.line} data-line={line.number}>
        <span
          className={classes.number}
          style={{ width: `${props.digits + 1}ch` }}
          aria-hidden="true"
        >
          {line.number}
        </span>
        <span className={classes.text}>
          {markMatches(line.chunks, props.matches, props.first).map(
            (chunk, i) => {
              const className = [
                chunk.style.bold && classes.bold,
                chunk.style.italic && classes.italic,
                chunk.style.underline && classes.underline,
              ]
                .filter(Boolean)
                .join(' ');
              const styled = (
                <span
                  key={i}
                  className={className || undefined}
                  style={chunkColours(chunk.style, type)}
                >
                  {chunk.text}
                </span>
              );
              if (chunk.match === undefined) return styled;
              return (
                <mark
                  key={i}
                  className={
                    chunk.match === props.current
                      ? classes.current
                      : classes.match
                  }
                  data-match={chunk.match}
                >
                  <span className={className || undefined}>{chunk.text}</span>
                </mark>
              );
            },
          )}
          {line.text === '' && '\u200b'}
        </span>
      </div>
    );
  },
);

/** A block of lines; re-rendered only when its lines or marks change. */
const Block = memo(
  (props: {
    lines: LogLine[];
    byLine: Map<number, { first: number; matches: LogMatch[] }>;
    current: number;
    digits: number;
    type: ThemeType;
    classes: Classes;
  }) => (
    <div className={props.classes.block}>
      {props.lines.map(line => {
        const marks = props.byLine.get(line.number);
        return (
          <Line
            key={line.number}
            line={line}
            matches={marks?.matches ?? NONE}
            first={marks?.first ?? 0}
            current={marks ? props.current : -1}
            digits={props.digits}
            type={props.type}
            classes={props.classes}
          />
        );
      })}
    </div>
  ),
);

/** Saves text as a file. */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

export interface LogViewProps {
  /** The log, with ANSI escape codes. */
  text: string;
  /** The log's accessible name, e.g. "Logs of configure / main". */
  label: string;
  /** The name the log is downloaded as. */
  fileName: string;
  /** Height of the scrolling log at most (a short log is shorter), in pixels. */
  height: number;
}

/**
 * An accessible log view: ANSI colours (readable in both themes), line
 * numbers, search with previous/next and "only matching lines",
 * download, and following a growing log to its newest line until the
 * reader scrolls up (the follow button takes them back).
 */
export const LogView = (props: LogViewProps) => {
  const { text, label, height } = props;
  const classes = useStyles();
  const type = useTheme().palette.type as ThemeType;
  const lines = useMemo(() => parseAnsi(text), [text]);
  const [query, setQuery] = useState('');
  const [onlyMatching, setOnlyMatching] = useState(false);
  const [current, setCurrent] = useState(0);
  const [follow, setFollow] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);

  const matches = useMemo(() => findMatches(lines, query), [lines, query]);
  const byLine = useMemo(() => {
    const map = new Map<number, { first: number; matches: LogMatch[] }>();
    matches.forEach((m, i) => {
      const entry = map.get(m.line) ?? { first: i, matches: [] };
      entry.matches.push(m);
      map.set(m.line, entry);
    });
    return map;
  }, [matches]);
  const shown = useMemo(
    () =>
      onlyMatching && query ? lines.filter(l => byLine.has(l.number)) : lines,
    [lines, onlyMatching, query, byLine],
  );
  const blocks = useMemo(() => {
    const out: LogLine[][] = [];
    for (let i = 0; i < shown.length; i += BLOCK) {
      out.push(shown.slice(i, i + BLOCK));
    }
    return out;
  }, [shown]);
  const digits = String(lines.length).length;

  const toEnd = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);
  // A growing log keeps its newest line in view while following.
  useLayoutEffect(() => {
    if (follow) toEnd();
  }, [follow, toEnd, shown]);

  // The current match is centred in the log.
  const index = matches.length ? Math.min(current, matches.length - 1) : -1;
  useEffect(() => {
    const el = scroller.current;
    const mark = el?.querySelector<HTMLElement>(`[data-match="${index}"]`);
    if (!el || !mark || index < 0) return;
    setFollow(false);
    const top =
      mark.getBoundingClientRect().top -
      el.getBoundingClientRect().top +
      el.scrollTop;
    el.scrollTop = top - el.clientHeight / 2;
  }, [index, query, onlyMatching]);

  const step = (by: number) =>
    matches.length &&
    setCurrent(i => (i + by + matches.length) % matches.length);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape') {
      setQuery('');
    }
  };
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atEnd =
      el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_SLACK;
    setFollow(atEnd);
  };

  let count = '';
  if (query) {
    count = matches.length ? `${index + 1} of ${matches.length}` : 'No match';
  }
  return (
    <div>
      <div
        className={classes.toolbar}
        role="group"
        aria-label={`Search, follow and download: ${label}`}
      >
        <TextField
          className={classes.search}
          size="small"
          variant="standard"
          placeholder="Search"
          value={query}
          onChange={e => {
            setQuery(e.target.value);
            setCurrent(0);
          }}
          onKeyDown={onKeyDown}
          inputProps={{ 'aria-label': `Search the ${label.toLowerCase()}` }}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
        <Typography
          variant="body2"
          className={classes.count}
          role="status"
          aria-label={
            count &&
            (matches.length
              ? `Match ${count}, on line ${matches[index].line}`
              : 'No match')
          }
        >
          {count}
        </Typography>
        <Tooltip title="Previous match (Shift+Enter)">
          <span>
            <IconButton
              size="small"
              aria-label="Previous match"
              disabled={matches.length === 0}
              onClick={() => step(-1)}
            >
              <ChevronLeft />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Next match (Enter)">
          <span>
            <IconButton
              size="small"
              aria-label="Next match"
              disabled={matches.length === 0}
              onClick={() => step(1)}
            >
              <ChevronRight />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Show only the lines that match">
          <IconButton
            size="small"
            aria-label="Only matching lines"
            aria-pressed={onlyMatching}
            color={onlyMatching ? 'primary' : 'default'}
            onClick={() => setOnlyMatching(v => !v)}
          >
            <FilterList />
          </IconButton>
        </Tooltip>
        <Tooltip title="Follow the newest line">
          <IconButton
            size="small"
            aria-label="Follow the newest line"
            aria-pressed={follow}
            color={follow ? 'primary' : 'default'}
            onClick={() => {
              setFollow(true);
              toEnd();
            }}
          >
            <VerticalAlignBottom />
          </IconButton>
        </Tooltip>
        <Tooltip title="Download the log">
          <IconButton
            size="small"
            aria-label="Download the log"
            onClick={() =>
              download(props.fileName, `${lines.map(l => l.text).join('\n')}\n`)
            }
          >
            <GetApp />
          </IconButton>
        </Tooltip>
      </div>
      <div
        ref={scroller}
        className={classes.scroller}
        style={{ maxHeight: height }}
        role="log"
        aria-label={label}
        aria-live={query ? 'off' : 'polite'}
        // Scrollable, so focusable: keyboard users scroll it with arrows.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        onScroll={onScroll}
      >
        {blocks.map((block, i) => (
          <Block
            key={i}
            lines={block}
            byLine={byLine}
            current={index}
            digits={digits}
            type={type}
            classes={classes}
          />
        ))}
      </div>
    </div>
  );
};
