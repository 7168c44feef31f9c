/**
 * Watch mode's emit: the targets' output kept from one rebuild to the next, grouped by agent,
 * so a rebuild after one edit emits and compares that agent's files and the shared ones
 * (manifest, indexes, package.json), and leaves the other agents' files alone. At 10,000
 * agents that is 7 files instead of a pass over 60,000 paths per edit.
 *
 * The output is exactly emitTargets' (plus the marker file): test/targets/incremental.test.ts
 * checks that over sequences of edits. An agent reused as is (the same object: see
 * targets/json.ts withHash) replays what the targets reported when its files were made,
 * because the builder drops target messages from every VFile between builds.
 *
 * The state describes outDir after the last plan is written. A caller that does not write a
 * plan (the build failed, a target reported an error, the write threw) must make a new
 * IncrementalEmit: the next plan then has every file, for a full write.
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { Agent } from '../ir.js';
import { withoutRetaining } from '../util/memo.js';
import { compareCodeUnits } from '../util/text.js';
import { MARKER_OUTPUT } from '../write.js';
import { perAgentTargets, resolveTargets, sharedFiles, targetExports } from './index.js';
import { PACKAGE_JSON, PackageLayout, packageJson } from './package.js';
import { sameOutput, type OutputFile, type Target, type TargetReport } from './types.js';

/** What changed in outDir's files since the last plan. */
export interface OutputPlan {
  /** New files and files with other bytes, in emit order. */
  written: OutputFile[];
  /** Files no longer emitted, sorted. */
  removed: string[];
  /** The whole output, marker included, sorted by path (what compile's emit returns); made on request. */
  files(): OutputFile[];
}

interface Group {
  /** The agent these files were made from (absent for the shared groups). */
  agent?: Agent;
  /** An agent group's paths: its files are not kept (see agentFiles). */
  paths: string[];
  /** A shared group's files, kept: they are few, and rebuilt from every agent. */
  files?: OutputFile[];
  /** What the targets reported while making them (replayed when the group is reused). */
  reports: Parameters<TargetReport>[];
  /** The plan that last saw this group's agent among the agents. */
  seen: number;
}

/** Group keys that no agent name can be (names are validated: no NUL). */
const SHARED = '\u0000shared';
const PACKAGE = '\u0000package';
const ignoreReports: TargetReport = () => {};

export class IncrementalEmit {
  private readonly targets: Target[];
  /** Targets that emit per agent; the others emit everything as shared output. */
  private readonly split: Target[];
  private readonly groups = new Map<string, Group>();
  /** Which group emits each path (two targets emitting one path is an error, as in emit()). */
  private readonly owners = new Map<string, string>();
  private readonly layout = new PackageLayout();
  private plans = 0;

  constructor(private readonly config: ResolvedConfig) {
    this.targets = resolveTargets(config);
    this.split = perAgentTargets(this.targets);
  }

  /**
   * The changes that bring outDir from the last plan's output to these agents' (sorted by
   * name). With `sink`, the files to write go there as they are made and are not kept
   * (`written` is empty): a first plan writing outDir whole never holds all of it. Only a
   * new emitter's plan has every file, so only such a plan can write outDir whole this way.
   */
  plan(agents: readonly Agent[], report: TargetReport, sink?: (file: OutputFile) => void): OutputPlan {
    const id = ++this.plans;
    const written: OutputFile[] = [];
    const write = sink ?? ((file: OutputFile) => void written.push(file));
    const removed: string[] = [];
    /** This plan's files of the agents it emitted, by name (for files(); not kept when streaming). */
    const emitted = new Map<string, OutputFile[]>();

    // Agents whose files are reused, and the ones to emit again.
    const fresh: Agent[] = [];
    for (const agent of agents) {
      const group = this.groups.get(agent.name);
      if (group) group.seen = id;
      if (group?.agent === agent) for (const args of group.reports) report(...args);
      else fresh.push(agent);
    }
    // Agents gone first, so a path they leave may be taken by another in this plan.
    for (const [key, group] of this.groups) {
      if (group.agent && group.seen !== id) {
        this.replace(key, group.paths, new Map(), [], write, removed);
        this.groups.delete(key);
      }
    }
    for (const agent of fresh) {
      const reports: Parameters<TargetReport>[] = [];
      const files = this.agentFiles(agent, (...args) => {
        reports.push(args);
        report(...args);
      });
      const previous = this.groups.get(agent.name);
      // The files the previous version of this agent gave, made again to compare with.
      const before = new Map(previous?.agent ? this.agentFiles(previous.agent, ignoreReports).map((file) => [file.path, file]) : []);
      this.replace(agent.name, previous?.paths ?? [], before, files, write, removed);
      this.groups.set(agent.name, { agent, paths: files.map((file) => file.path), reports, seen: id });
      if (!sink) emitted.set(agent.name, files);
    }

    const context = { config: this.config, report };
    const shared = [MARKER_OUTPUT, ...sharedFiles(this.targets, this.split, agents, context)];
    this.replaceShared(SHARED, shared, write, removed);

    // package.json last: it lists what the others emit (unless a target made its own).
    const own = this.owners.get(PACKAGE_JSON);
    const pkg = own !== undefined && own !== PACKAGE ? [] : [packageJson(this.config, this.layout, targetExports(this.targets, agents))];
    this.replaceShared(PACKAGE, pkg, write, removed);

    // Groups are replaced, never changed: this plan's output, whatever later plans do.
    const groups = [...this.groups.values()];
    return {
      written,
      // A path one group left and another took in this plan is written, not removed.
      removed: removed.filter((p) => !this.owners.has(p)).sort(compareCodeUnits),
      files: () =>
        groups
          .flatMap((group) => group.files ?? emitted.get(group.agent!.name) ?? this.agentFiles(group.agent!, ignoreReports))
          .sort((a, b) => compareCodeUnits(a.path, b.path)),
    };
  }

  /**
   * One agent's files from every per-agent target, with memos that keep nothing (util/memo.ts):
   * kept for every agent, they were most of a watch session's memory (~950 MB of heap at
   * 10,000 agents, and the garbage collector's work with it). A reused agent needs none of its
   * files; a changed one has its previous version's made again to compare with.
   */
  private agentFiles(agent: Agent, report: TargetReport): OutputFile[] {
    const context = { config: this.config, report };
    return withoutRetaining(() => this.split.flatMap((target) => target.emitAgent!(agent, context)));
  }

  private replaceShared(key: string, files: OutputFile[], write: (file: OutputFile) => void, removed: string[]): void {
    const previous = this.groups.get(key);
    const before = new Map((previous?.files ?? []).map((file) => [file.path, file]));
    this.replace(key, previous?.paths ?? [], before, files, write, removed);
    this.groups.set(key, { paths: files.map((file) => file.path), files, reports: [], seen: this.plans });
  }

  /**
   * Put `next` in place of a group's `paths`: a file that is new, or differs from its version in
   * `before`, is written; a path not emitted again is removed.
   */
  private replace(key: string, paths: readonly string[], before: ReadonlyMap<string, OutputFile>, next: readonly OutputFile[], write: (file: OutputFile) => void, removed: string[]): void {
    const left = new Set(paths);
    const mine = new Set<string>();
    for (const file of next) {
      const owner = this.owners.get(file.path);
      if (mine.has(file.path) || (owner !== undefined && owner !== key)) throw new Error(`two targets emit ${file.path}`);
      mine.add(file.path);
      const had = left.delete(file.path);
      if (!had) {
        this.owners.set(file.path, key);
        this.layout.add(file.path);
      }
      const old = before.get(file.path);
      if (!had || old === undefined || !sameOutput(old, file)) write(file);
    }
    for (const p of left) {
      this.owners.delete(p);
      this.layout.remove(p);
      removed.push(p);
    }
  }
}
