import { describe, expect, it } from 'vitest';
import { fourNodeFlow } from '../../test/fixtures.js';
import { duplicateDefinition, freeKey, keyFromName, parseDefinitionImport } from './flowFactory.js';

describe('flow factory', () => {
  it('derives valid keys', () => {
    expect(keyFromName('Price variance (EU)')).toBe('price-variance-eu');
    expect(freeKey('a', new Set(['a', 'a-2']))).toBe('a-3');
    expect(duplicateDefinition(fourNodeFlow(), new Set(['four-copy'])).key).toBe('four-copy-2');
  });

  it('refuses an invalid import with its problems and accepts a valid one', () => {
    expect(parseDefinitionImport('{nope').ok).toBe(false);
    const broken = fourNodeFlow();
    broken.edges.pop();
    const refused = parseDefinitionImport(JSON.stringify(broken));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems[0].message).toMatch(/otherwise/);
    expect(parseDefinitionImport(JSON.stringify(fourNodeFlow())).ok).toBe(true);
  });
});
