import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../src/index.ts';

/** The young generation's largest size in MB, as V8 reports it in a process started with `flags`. */
function maxNewSpaceMb(flags: readonly string[]): number {
  const script =
    "const v8=require('node:v8');const a=[];for(let i=0;i<2e6;i++)a.push({i});" +
    "const s=v8.getHeapSpaceStatistics().find(x=>x.space_name==='new_space');" +
    'process.stdout.write(String(s.space_size/1048576))';
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }));
}

describe('service launch flags', () => {
  it('are accepted by this Node and cap the young generation at two 16 MB semi-spaces', () => {
    expect(maxNewSpaceMb(SERVICE_NODE_FLAGS)).toBeLessThanOrEqual(32);
  });
});
