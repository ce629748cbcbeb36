/**
 * Prints a component's hook points as a Markdown catalogue that reads like
 * Kea's "Hooks API for the Kea DHCP DDNS": per hook, its arguments (type and
 * direction), what it is for, and what each next-step status does.
 */
import type { HookPoint } from './server-hooks.js';

export interface CatalogueOptions {
  title: string;
  /** Paragraphs printed under the title. */
  intro?: string;
  /** Include context_create/context_destroy (default false). */
  includeReserved?: boolean;
  /** Include `$command` hooks (default false). */
  includeCommands?: boolean;
}

const DIRECTIONS = `Each argument has a direction:
- **in**: the component passes the value to the callout and ignores what the callout does with it;
- **out**: the callout is expected to set the value;
- **in/out**: the component passes a value and uses whatever value the callouts leave.`;

export function hooksCatalogueMarkdown(points: readonly HookPoint[], options: CatalogueOptions): string {
  const out: string[] = [`# ${options.title}`, ''];
  if (options.intro) out.push(options.intro.trim(), '');
  out.push(DIRECTIONS, '',
    'A next-step status that a hook point does not list is treated as CONTINUE, and the framework logs HOOKS_UNSUPPORTED_STATUS.', '');
  const shown = points.filter((p) =>
    (options.includeReserved || p.index > 1) && (options.includeCommands || !p.name.startsWith('$')));
  if (shown.length > 0) {
    out.push('## Hook points', '');
    for (const p of shown) out.push(`- [${p.name}](#${p.name.replace(/\$/g, '')})`);
    out.push('');
  }
  for (const p of shown) {
    out.push(`## ${p.name}`, '');
    const args = Object.entries(p.spec?.arguments ?? {});
    out.push('- **Arguments:**');
    if (args.length === 0) out.push('  - none');
    for (const [name, a] of args) {
      out.push(`  - name: \`${name}\`, type: \`${a.type}\`, direction: **${a.direction}**${a.description ? ` — ${a.description}` : ''}`);
    }
    out.push(`- **Description:** ${p.spec?.description ?? '(not documented)'}`);
    const statuses = Object.entries(p.spec?.statuses ?? {});
    if (p.spec?.statuses === undefined) {
      out.push('- **Next step status:** not specified; the component decides what each status means.');
    } else if (statuses.length === 0) {
      out.push('- **Next step status:** only CONTINUE is supported; any other status is ignored.');
    } else {
      out.push('- **Next step status:**');
      for (const [status, text] of statuses) out.push(`  - **${status}**: ${text}`);
    }
    out.push('');
  }
  return out.join('\n');
}
