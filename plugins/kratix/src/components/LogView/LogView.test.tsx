import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LogView } from './LogView';

/** jsdom lays nothing out: 20 px a line, a 200 px window, a real scrollTop. */
jest.setTimeout(30_000);

const LINE = 20;
const VIEW = 200;
beforeAll(() => {
  const top = new WeakMap<Element, number>();
  Object.defineProperties(HTMLElement.prototype, {
    scrollHeight: {
      configurable: true,
      get() {
        return this.querySelectorAll('[data-line]').length * LINE;
      },
    },
    clientHeight: { configurable: true, get: () => VIEW },
    scrollTop: {
      configurable: true,
      get() {
        return top.get(this) ?? 0;
      },
      set(v: number) {
        top.set(this, Math.max(0, Math.min(v, this.scrollHeight - VIEW)));
      },
    },
  });
});
afterAll(() => {
  for (const key of ['scrollHeight', 'clientHeight', 'scrollTop']) {
    delete (HTMLElement.prototype as any)[key];
  }
});

const logOf = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i === 1 ? '\x1b[31merror\x1b[0m: first' : `line ${i + 1}`,
  )
    .concat('Error again')
    .join('\n');

function view(text: string) {
  return (
    <LogView
      text={text}
      label="Logs of configure / main"
      fileName="run-configure-main.log"
      height={VIEW}
    />
  );
}

const atEnd = (el: HTMLElement) =>
  el.scrollTop === el.scrollHeight - el.clientHeight;

describe('LogView', () => {
  it('shows the lines in colour, numbered, without escape codes, in a focusable named log', async () => {
    render(view(logOf(3)));
    const log = screen.getByRole('log', { name: 'Logs of configure / main' });
    expect(log).toHaveAttribute('tabindex', '0');
    expect(log).not.toHaveTextContent('[31m');
    const red = within(log).getByText('error');
    expect(red).toHaveStyle({ color: 'rgb(205, 49, 49)' });
    // Line numbers are shown, but not read out nor copied with the text.
    const second = log.querySelector('[data-line="2"]')!;
    const number = second.firstElementChild!;
    expect(number).toHaveTextContent('2');
    expect(number).toHaveAttribute('aria-hidden', 'true');
    expect(second.lastElementChild).toHaveTextContent(/^error: first$/);
    // Every control has a name.
    for (const button of screen.getAllByRole('button')) {
      expect(button).toHaveAccessibleName();
    }
    expect(
      screen.getByRole('textbox', {
        name: 'Search the logs of configure / main',
      }),
    ).toBeInTheDocument();
  });

  it('searches case-insensitively, steps through the matches and can show only matching lines', async () => {
    render(view(logOf(30)));
    const log = screen.getByRole('log');
    const search = screen.getByRole('textbox', { name: /^Search/ });
    await userEvent.type(search, 'ERROR');
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('1 of 2');
    expect(status).toHaveAccessibleName('Match 1 of 2, on line 2');
    const marks = log.querySelectorAll('mark');
    expect([...marks].map(m => m.textContent)).toEqual(['error', 'Error']);

    await userEvent.keyboard('{Enter}');
    expect(status).toHaveAccessibleName('Match 2 of 2, on line 31');
    await userEvent.keyboard('{Shift>}{Enter}{/Shift}');
    expect(status).toHaveTextContent('1 of 2');
    await userEvent.click(
      screen.getByRole('button', { name: 'Previous match' }),
    );
    expect(status).toHaveTextContent('2 of 2');

    const only = screen.getByRole('button', { name: 'Only matching lines' });
    expect(log.querySelectorAll('[data-line]')).toHaveLength(31);
    await userEvent.click(only);
    expect(only).toHaveAttribute('aria-pressed', 'true');
    expect(
      [...log.querySelectorAll('[data-line]')].map(l =>
        l.getAttribute('data-line'),
      ),
    ).toEqual(['2', '31']);

    await userEvent.clear(search);
    await userEvent.type(search, 'nowhere');
    expect(status).toHaveTextContent('No match');
    expect(screen.getByRole('button', { name: 'Next match' })).toBeDisabled();
  });

  it('follows a growing log to its newest line until the reader scrolls up', async () => {
    const { rerender } = render(view(logOf(30)));
    const log = screen.getByRole('log');
    const follow = screen.getByRole('button', {
      name: 'Follow the newest line',
    });
    expect(log.scrollTop).toBeGreaterThan(0);
    expect(atEnd(log)).toBe(true);

    rerender(view(logOf(40)));
    expect(atEnd(log)).toBe(true);
    expect(follow).toHaveAttribute('aria-pressed', 'true');

    // The reader scrolls up: the log stays where they are.
    log.scrollTop = 100;
    fireEvent.scroll(log);
    expect(follow).toHaveAttribute('aria-pressed', 'false');
    rerender(view(logOf(50)));
    expect(log.scrollTop).toBe(100);

    await userEvent.click(follow);
    expect(follow).toHaveAttribute('aria-pressed', 'true');
    expect(atEnd(log)).toBe(true);
    rerender(view(logOf(60)));
    expect(atEnd(log)).toBe(true);
  });

  it('downloads the log as plain text under its file name', async () => {
    const saved: Array<{ name: string; blob: Blob }> = [];
    const create = jest.fn((blob: Blob) => {
      saved.push({ name: '', blob });
      return 'blob:log';
    });
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function clicked(this: HTMLAnchorElement) {
        saved[saved.length - 1].name = this.download;
      });
    try {
      render(view('\x1b[32mok\x1b[0m\nsecond'));
      await userEvent.click(
        screen.getByRole('button', { name: 'Download the log' }),
      );
      expect(saved).toHaveLength(1);
      expect(saved[0].name).toBe('run-configure-main.log');
      expect(await saved[0].blob.text()).toBe('ok\nsecond\n');
    } finally {
      click.mockRestore();
    }
  });
});
