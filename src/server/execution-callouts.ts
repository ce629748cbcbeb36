/**
 * The daemon's execution hook points (hook_select, execution_start,
 * execution_finish) as the execution manager calls them. When no library has
 * callouts on a point, the manager's plan passes through untouched.
 */
import { NextStep, type HooksManager } from '../core/index.js';
import type { ExecutionCallouts } from '../hem/hook-execution-manager.js';
import type { Hook } from '../hem/hook.js';
import type { DaemonHooks } from './hook-points.js';

export function executionCallouts(hooks: HooksManager<DaemonHooks>): ExecutionCallouts {
  return {
    selectHooks: async (event, matched) => {
      const idx = hooks.hookIndex('hook_select');
      if (!hooks.calloutsPresent(idx)) return matched;
      const h = hooks.createCalloutHandle<DaemonHooks['hook_select']>();
      h.setArgument('event', event);
      h.setArgument('hooks', [...matched]);
      await hooks.callCallouts(idx, h);
      const selected: Hook[] = h.getStatus() === NextStep.SKIP ? [] : h.getArgument('hooks');
      h.release();
      return Array.isArray(selected) ? selected : matched;
    },
    executionStart: async (hook, event, plan) => {
      const idx = hooks.hookIndex('execution_start');
      if (!hooks.calloutsPresent(idx)) return { plan, skip: false };
      const h = hooks.createCalloutHandle<DaemonHooks['execution_start']>();
      h.setArgument('hook', hook);
      h.setArgument('event', event);
      h.setArgument('command', plan.command);
      h.setArgument('arguments', [...plan.arguments]);
      h.setArgument('stdin', plan.stdin);
    h.setArgument('env', { ...plan.env });
      await hooks.callCallouts(idx, h);
      const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(h.getArgument('env') ?? {})) if (v !== undefined && v !== null) env[k] = String(v);
    const next = { ...plan, command: String(h.getArgument('command')), arguments: h.getArgument('arguments').map(String), stdin: h.getArgument('stdin'), env };
      const skip = h.getStatus() === NextStep.SKIP;
      h.release();
      return { plan: next, skip };
    },
    executionFinish: async (record) => {
      const idx = hooks.hookIndex('execution_finish');
      if (!hooks.calloutsPresent(idx)) return;
      const h = hooks.createCalloutHandle<DaemonHooks['execution_finish']>();
      h.setArgument('record', record);
      await hooks.callCallouts(idx, h);
      h.release();
    },
  };
}
