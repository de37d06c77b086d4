/**
 * Terminal interfaces: an interactive review prompt for local scripts (shows the payload; approve,
 * reject, request changes, or edit the JSON in $EDITOR with validation) and a non-interactive CLI
 * for CI (`approve <id> --actor ci --comment "…" [--payload-file edited.json]`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApprovalError, ApprovalValidationError } from '../errors/errors.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision } from '../policy/quorum.js';
import type { ApprovalRequest, ApprovalService, DecideResult } from '../service/types.js';

/** Options of {@link promptApproval}. */
export interface PromptApprovalOptions {
  /** The approval service. */
  service: ApprovalService;
  /** Who is deciding (the person at the terminal). */
  actor: ApprovalActor;
  /** Review only this request; default: every pending request the actor may decide. */
  id?: string;
  /** Default process.stdin / process.stdout. */
  input?: NodeJS.ReadableStream;
  /** Where the prompt writes (default process.stdout). */
  output?: NodeJS.WritableStream;
  /** Editor command (`code --wait`, `vim`); default $VISUAL, $EDITOR, then `vi`. */
  editor?: string;
  /**
   * Renders a request before its question, and again with the edited payload after an edit;
   * default: title, summary, ids and the payload as indented JSON. Pass a compact view for large
   * payloads (the editor still gets the whole JSON).
   */
  format?: (request: ApprovalRequest) => string;
}

function formatRequest(r: ApprovalRequest): string {
  const lines = [
    '',
    `━━ ${r.title} ━━`,
    ...(r.summary ? [r.summary] : []),
    `workflow ${r.workflowId} · step ${r.path} · run ${r.runId} · approvals ${r.approvals}/${r.quorum}${r.dueAt ? ` · due ${new Date(r.dueAt).toISOString()}` : ''}`,
    JSON.stringify(r.payload, null, 2),
  ];
  return `${lines.join('\n')}\n`;
}

/** Opens `value` as JSON in the editor and returns the edited text. */
function editJson(editor: string, value: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-approval-'));
  const file = join(dir, 'payload.json');
  try {
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
    const res = spawnSync(`${editor} ${JSON.stringify(file)}`, { shell: true, stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`the editor exited with status ${res.status}`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reviews pending requests interactively. Returns the decisions taken (skipped ones are absent).
 *
 * @example
 * await promptApproval({ service: approvals, actor: { id: process.env.USER ?? 'me' } });
 */
export async function promptApproval(options: PromptApprovalOptions): Promise<DecideResult[]> {
  const input = options.input ?? process.stdin;
  const out = options.output ?? process.stdout;
  const editor = options.editor ?? process.env.VISUAL ?? process.env.EDITOR ?? 'vi';
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string): Promise<string | undefined> => {
    out.write(q);
    const next = await lines.next();
    return next.done ? undefined : String(next.value).trim();
  };
  const results: DecideResult[] = [];
  try {
    const queue = options.id
      ? [await options.service.get(options.id)]
      : await options.service.listPending({ approver: options.actor });
    if (queue.length === 0) out.write('Nothing is waiting for you.\n');
    for (const request of queue) {
      out.write((options.format ?? formatRequest)(request));
      let edited: unknown;
      for (;;) {
        const keys = `[a]pprove${edited === undefined ? '' : ' (edited)'}, [r]eject, [c]hanges requested, ${request.allowEdit ? '[e]dit, ' : ''}[s]kip`;
        const answer = (await ask(`${keys} > `))?.toLowerCase();
        if (answer === undefined || answer === 's' || answer === 'skip') break;
        if ((answer === 'e' || answer === 'edit') && request.allowEdit) {
          let text: string;
          try {
            text = editJson(editor, edited ?? request.payload);
          } catch (err) {
            out.write(`Could not edit: ${(err as Error).message}\n`);
            continue;
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (err) {
            out.write(`Not valid JSON: ${(err as Error).message}. Edit again.\n`);
            continue;
          }
          const issues = await options.service.validatePayload(request.id, parsed);
          if (issues.length) {
            out.write(
              `Invalid payload:\n${issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}\nEdit again.\n`,
            );
            continue;
          }
          edited = parsed;
          out.write(
            options.format
              ? `Edited:${options.format({ ...request, payload: edited })}`
              : `Edited payload:\n${JSON.stringify(edited, null, 2)}\n`,
          );
          continue;
        }
        const decision: ApprovalDecision | undefined =
          answer === 'a' || answer === 'approve'
            ? 'approve'
            : answer === 'r' || answer === 'reject'
              ? 'reject'
              : answer === 'c'
                ? 'request_changes'
                : undefined;
        if (!decision) {
          out.write('Please answer a, r, c, e or s.\n');
          continue;
        }
        const comment = (await ask('Comment (optional) > ')) || undefined;
        try {
          const result = await options.service.decide({
            id: request.id,
            decision,
            actor: options.actor,
            ...(comment ? { comment } : {}),
            ...(decision === 'approve' && edited !== undefined ? { editedPayload: edited } : {}),
            via: 'terminal',
          });
          results.push(result);
          out.write(`Recorded: ${decision} → ${result.request.status}\n`);
          break;
        } catch (err) {
          if (err instanceof ApprovalError) {
            out.write(`${err.message}\n`);
            if (err instanceof ApprovalValidationError) continue;
            break;
          }
          throw err;
        }
      }
    }
  } finally {
    rl.close();
  }
  return results;
}

/** Options of {@link runApprovalCli}. */
export interface ApprovalCliOptions {
  /** The approval service. */
  service: ApprovalService;
  /** Arguments after the program name, e.g. `['approve', 'apr_1', '--actor', 'ci']`. */
  argv: readonly string[];
  /** Default process.stdout. */
  stdout?: NodeJS.WritableStream;
  /** Default process.stderr. */
  stderr?: NodeJS.WritableStream;
  /** For `review`: stdin and the editor. */
  stdin?: NodeJS.ReadableStream;
  /** Editor command for `review`. */
  editor?: string;
  /** Default actor id when `--actor` is absent (e.g. `process.env.WEFT_ACTOR`). */
  defaultActor?: string;
}

const USAGE = `usage:
  list [--json]                                   pending requests
  show <id>                                       one request as JSON
  approve <id> --actor <id> [--groups a,b] [--comment text] [--payload-file f.json | --payload '<json>']
  reject <id> --actor <id> [--comment text]
  request-changes <id> --actor <id> [--comment text]
  review [<id>] --actor <id>                      interactive (a TTY and $EDITOR)
exit codes: 0 ok, 1 refused (forbidden, closed, invalid), 2 usage`;

/**
 * The non-interactive approval CLI (for CI and scripts). Returns the exit code.
 *
 * @example
 * process.exitCode = await runApprovalCli({ service: approvals, argv: process.argv.slice(2), defaultActor: process.env.WEFT_ACTOR });
 */
export async function runApprovalCli(options: ApprovalCliOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const [command, ...rest] = options.argv;
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg.startsWith('--')) {
      const next = rest[i + 1];
      if (next === undefined || next.startsWith('--')) flags[arg.slice(2)] = true;
      else {
        flags[arg.slice(2)] = next;
        i++;
      }
    } else positional.push(arg);
  }
  const usage = (why: string) => {
    stderr.write(`${why}\n${USAGE}\n`);
    return 2;
  };
  const actorId = typeof flags.actor === 'string' ? flags.actor : options.defaultActor;
  const actor: ApprovalActor | undefined = actorId
    ? { id: actorId, ...(typeof flags.groups === 'string' ? { groups: flags.groups.split(',').filter(Boolean) } : {}) }
    : undefined;
  try {
    switch (command) {
      case 'list': {
        const items = await options.service.listPending(actor ? { approver: actor } : {});
        if (flags.json) stdout.write(`${JSON.stringify(items, null, 2)}\n`);
        else for (const r of items) stdout.write(`${r.id}\t${r.workflowId}/${r.path}\t${r.title}\n`);
        return 0;
      }
      case 'show': {
        if (!positional[0]) return usage('show needs an approval id');
        stdout.write(`${JSON.stringify(await options.service.get(positional[0]), null, 2)}\n`);
        return 0;
      }
      case 'approve':
      case 'reject':
      case 'request-changes': {
        const id = positional[0];
        if (!id) return usage(`${command} needs an approval id`);
        if (!actor) return usage(`${command} needs --actor <id> (or WEFT_ACTOR)`);
        let editedPayload: unknown;
        try {
          if (typeof flags['payload-file'] === 'string')
            editedPayload = JSON.parse(readFileSync(flags['payload-file'], 'utf8'));
          else if (typeof flags.payload === 'string') editedPayload = JSON.parse(flags.payload);
        } catch (err) {
          return usage(`the payload is not valid JSON: ${(err as Error).message}`);
        }
        const result = await options.service.decide({
          id,
          decision: command === 'request-changes' ? 'request_changes' : command,
          actor,
          ...(typeof flags.comment === 'string' ? { comment: flags.comment } : {}),
          ...(editedPayload === undefined ? {} : { editedPayload }),
          via: 'ci',
        });
        stdout.write(`${JSON.stringify({ id, status: result.request.status, changed: result.changed })}\n`);
        return 0;
      }
      case 'review': {
        if (!actor) return usage('review needs --actor <id> (or WEFT_ACTOR)');
        await promptApproval({
          service: options.service,
          actor,
          ...(positional[0] ? { id: positional[0] } : {}),
          ...(options.stdin ? { input: options.stdin } : {}),
          output: stdout,
          ...(options.editor ? { editor: options.editor } : {}),
        });
        return 0;
      }
      default:
        return usage(command ? `unknown command "${command}"` : 'missing command');
    }
  } catch (err) {
    if (err instanceof ApprovalError) {
      stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
