import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import * as core from '@backstage/core-components';
import { StatusError, StatusOK } from './StatusText';

describe('status texts', () => {
  it('core-components hides the text from screen readers', async () => {
    await renderInTestApp(<core.StatusError>False</core.StatusError>);
    expect(
      screen.getByText('False').closest('[aria-hidden="true"]'),
    ).not.toBeNull();
  });

  it('keeps the text readable, the icon hidden', async () => {
    await renderInTestApp(
      <>
        <StatusError>False</StatusError>
        <StatusOK>Configure workflow succeeded</StatusOK>
      </>,
    );
    for (const text of ['False', 'Configure workflow succeeded']) {
      const element = screen.getByText(text);
      expect(element.closest('[aria-hidden="true"]')).toBeNull();
      expect(element.querySelector('svg')).toHaveAttribute(
        'aria-hidden',
        'true',
      );
    }
  });
});
