import { generationWords, triggerWords } from './runWords';

describe('run words', () => {
  it('says each trigger in words, and — when unknown', () => {
    expect(triggerWords('spec-change')).toBe('Spec change');
    expect(triggerWords('promise-change')).toBe('Promise change');
    expect(triggerWords('create')).toBe('Create');
    expect(triggerWords(undefined)).toBe('—');
    expect(triggerWords('something-new' as any)).toBe('—');
  });

  it('says the generation, and — for observe mode’s 0', () => {
    expect(generationWords(3)).toBe('3');
    expect(generationWords(0)).toBe('—');
  });
});
