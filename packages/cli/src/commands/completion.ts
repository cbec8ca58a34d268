import { ChassisError } from '@chassis/kernel/errors';
import type { Command } from 'commander';
import { output } from './admin-client.js';

/** Every command path of the tree ("" for the root) with the words that may follow it. */
export function completionTable(root: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (cmd: Command, path: string[]): void => {
    const words = [
      ...cmd.commands.map((c) => c.name()),
      ...cmd.options.flatMap((o) => [o.long, o.short].filter((w): w is string => Boolean(w))),
    ];
    table.set(path.join(' '), words);
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(root, []);
  return table;
}

function bash(table: Map<string, string[]>): string {
  const entries = [...table]
    // Bash refuses an empty array key, so every path starts with "_".
    .map(
      ([path, words]) =>
        `  [${JSON.stringify(['_', path].join(' ').trim())}]=${JSON.stringify(words.join(' '))}`,
    )
    .join('\n');
  return `# chassis bash completion: eval "$(chassis completion bash)"
_chassis_complete() {
  declare -A words=(
${entries}
  )
  local path="_" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    [[ -n "\${words["$path $w"]+x}" ]] && path="$path $w"
  done
  COMPREPLY=($(compgen -W "\${words[$path]}" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -F _chassis_complete chassis
`;
}

function zsh(table: Map<string, string[]>): string {
  return `#compdef chassis
# chassis zsh completion: eval "$(chassis completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bash(table)}`;
}

/** `chassis completion bash|zsh`: prints a completion script generated from the command tree. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion <shell>')
    .description('Print a shell completion script (bash or zsh)')
    .action((shell: string, _o, cmd: Command) => {
      const table = completionTable(program);
      if (shell !== 'bash' && shell !== 'zsh') {
        throw new ChassisError(
          'CHASSIS_E_CLI_USAGE',
          `Unknown shell "${shell}"; use "chassis completion bash" or "chassis completion zsh".`,
          { details: { shell } },
        );
      }
      output(cmd).out(shell === 'bash' ? bash(table) : zsh(table));
    });
}
