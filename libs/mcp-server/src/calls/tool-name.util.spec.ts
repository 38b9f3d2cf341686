import { CONFIRM_TOOL, mcpToolNames } from './tool-name.util';

const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

describe('mcpToolNames', () => {
  it('makes readable, valid MCP names of tool ids', () => {
    const names = mcpToolNames(['mcp.everything:get-sum', 'database:listTables']);
    expect([...names]).toEqual([
      ['mcp_everything__get-sum', 'mcp.everything:get-sum'],
      ['database__listTables', 'database:listTables'],
    ]);
  });

  it('disambiguates collisions and shortens long ids with a hash, always valid and unique', () => {
    const ids = ['a.b:c', 'a_b:c', `http.api:${'x'.repeat(120)}`];
    const names = mcpToolNames(ids);
    expect(names.size).toBe(3);
    expect([...names.keys()].every((name) => VALID.test(name))).toBe(true);
    expect([...names.values()].sort()).toEqual([...ids].sort());
    expect(names.has('a_b__c')).toBe(false);
    expect(mcpToolNames(['a.b:c']).has('a_b__c')).toBe(true);
  });

  it('never hands out the confirmation tool name', () => {
    expect(mcpToolNames(['toolgate:confirm']).has(CONFIRM_TOOL)).toBe(false);
  });
});
