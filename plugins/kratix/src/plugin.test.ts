import { kratixPlugin } from './plugin';

describe('kratix', () => {
  it('should export plugin', () => {
    expect(kratixPlugin).toBeDefined();
  });
});
