import { createFlowMachine, type CompiledFlow } from '@exflow/shared';
import type { AnyStateMachine } from 'xstate';

export interface FlowMachine {
  machine: AnyStateMachine;
  flow: CompiledFlow;
}

/**
 * Machines by published version. Versions are immutable, so an entry never goes stale; the
 * cache is bounded so a tenant with thousands of versions cannot grow it without limit.
 */
export function createMachineCache(max = 500) {
  const entries = new Map<string, FlowMachine>();
  return {
    get(tenantId: string, definitionId: string, version: number, load: () => CompiledFlow | Promise<CompiledFlow>): FlowMachine | Promise<FlowMachine> {
      const key = `${tenantId}\u0000${definitionId}\u0000${version}`;
      const hit = entries.get(key);
      if (hit) return hit;
      const build = (flow: CompiledFlow) => {
        const entry = { machine: createFlowMachine(flow), flow };
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(key, entry);
        return entry;
      };
      const loaded = load();
      return loaded instanceof Promise ? loaded.then(build) : build(loaded);
    },
    get size(): number {
      return entries.size;
    },
  };
}
