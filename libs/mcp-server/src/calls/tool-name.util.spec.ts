import { sha256Hex } from '@toolgate/core';

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

  it("keeps every tool when a readable id equals another tool's shortened name", () => {
    // `rm.all` and `rm_all` are ambiguous (both shortened); a third tool is literally named like the
    // shortened name of `rm.all`, and a 64-character id like the shortened name of a longer one.
    const hex = (id: string) => sha256Hex(id).slice(0, 8);
    const long = `mcp.x:${'a'.repeat(70)}`;
    const ids = [
      'mcp.x:rm.all',
      'mcp.x:rm_all',
      `mcp.x:rm_all_${hex('mcp.x:rm.all')}`,
      long,
      `mcp.x:${'a'.repeat(48)}_${hex(long)}`,
    ];
    for (const order of [ids, [...ids].reverse()]) {
      const names = mcpToolNames(order);
      expect(names.size).toBe(ids.length);
      expect([...names.values()].sort()).toEqual([...ids].sort());
      expect([...names.keys()].every((name) => VALID.test(name))).toBe(true);
      // Names that need no change are kept; the shortened ones move aside.
      expect(names.get(`mcp_x__rm_all_${hex('mcp.x:rm.all')}`)).toBe(ids[2]);
      expect(names.get(`mcp_x__${'a'.repeat(48)}_${hex(long)}`)).toBe(ids[4]);
    }
    // Stable: the same catalog in any order gives the same names.
    expect(new Map([...mcpToolNames(ids)].sort())).toEqual(
      new Map([...mcpToolNames([...ids].reverse())].sort()),
    );
  });

  it('never hands out the confirmation tool name', () => {
    expect(mcpToolNames(['toolgate:confirm']).has(CONFIRM_TOOL)).toBe(false);
  });
});
