/**
 * Suite 1, call setup: call() → first decoded remote video frame at the caller and
 * at the callee (the callee auto-answers with its own fake camera), and connect()
 * → data connection `open` at the caller. Contenders interleaved round by round.
 */
import { LABEL, type Contender } from '../lib/servers.js';
import { call, openSession, reset, waitUntil, withTimeout, type Session } from '../lib/session.js';
import { mergeSummaries, pageCategories, summarizeProfile, type Profile, type ProfileSummary } from '../lib/cpuprofile.js';
import { fmt, median, medianDiffInterval, p95, ratio } from '../lib/stats.js';
import { table } from '../lib/results.js';

export interface SetupOptions {
  runs: number;
  warmup: number;
  log: (line: string) => void;
  contenders?: Contender[];
  /** Runs per contender and kind in the profiled pass (0: no profiled pass). */
  profileRuns?: number;
}

type Metric = 'callerFrame' | 'calleeFrame' | 'dataOpen';

interface Marks {
  returned?: number;
  created?: number;
  localOffer?: number;
  offerSent?: number;
  remoteAnswer?: number;
  connected?: number;
  track?: number;
  remoteCandidate?: number;
}

/** Phases of the caller's side of a call, from the RTCPeerConnection marks the page records. */
const PHASES: [string, (t0: number, t1: number, m: Marks) => number | undefined][] = [
  ['(for reference) call()/connect() returned to the app', (t0, _t1, m) => (m.returned !== undefined ? m.returned - t0 : undefined)],
  ['call() → RTCPeerConnection created', (t0, _t1, m) => (m.created !== undefined ? m.created - t0 : undefined)],
  ['→ local offer set', (_t0, _t1, m) => (m.localOffer !== undefined && m.created !== undefined ? m.localOffer - m.created : undefined)],
  ['→ offer sent on the signaling socket', (_t0, _t1, m) => (m.offerSent !== undefined && m.localOffer !== undefined ? m.offerSent - m.localOffer : undefined)],
  ['→ answer applied (relay + callee)', (_t0, _t1, m) => (m.remoteAnswer !== undefined && m.offerSent !== undefined ? m.remoteAnswer - m.offerSent : undefined)],
  ['(for reference) answer applied → first remote ICE candidate added', (_t0, _t1, m) => (m.remoteCandidate !== undefined && m.remoteAnswer !== undefined ? m.remoteCandidate - m.remoteAnswer : undefined)],
  ['→ ICE + DTLS connected', (_t0, _t1, m) => (m.connected !== undefined && m.remoteAnswer !== undefined ? m.connected - m.remoteAnswer : undefined)],
  ['→ first remote frame decoded / data connection `open`', (_t0, t1, m) => (m.connected !== undefined ? t1 - m.connected : undefined)],
];
const METRICS: [Metric, string][] = [
  ['callerFrame', 'call() → first remote frame at caller (ms)'],
  ['calleeFrame', 'call() → first remote frame at callee (ms)'],
  ['dataOpen', 'connect() → data connection open (ms)'],
];

type RunKind = 'call' | 'connect';

interface PageProfile {
  contender: Contender;
  kind: RunKind;
  runs: number;
  caller: ProfileSummary;
  callee: ProfileSummary;
}

async function oneRun(s: Session, c: Contender, kind: RunKind): Promise<{ t0: number; t1: number; marks: Marks; tCallee?: number }> {
  const remote = s.ids[c].b;
  if (kind === 'connect') return withTimeout(call(s.a, 'connectRun', c, remote), 20_000, `${c} connect`);
  const before = await call<number>(s.b, 'calleeFrameCount', c);
  const r = await withTimeout(call<{ t0: number; t1: number; marks: Marks }>(s.a, 'callRun', c, remote), 20_000, `${c} call`);
  await waitUntil(async () => (await call<number>(s.b, 'calleeFrameCount', c)) > before, 20_000, `${c} callee frame`);
  return { ...r, tCallee: await call<number>(s.b, 'calleeFrame', c, before) };
}

/**
 * A separate pass with the V8 sampling profiler on both pages' main threads (100 µs
 * interval), so a gap in the timings can be traced to whose JavaScript ran. Not
 * used for the timing tables: profiling slows the pages.
 */
async function profiledPass(s: Session, c: Contender, kind: RunKind, runs: number): Promise<PageProfile> {
  const sessions = [await s.a.createCDPSession(), await s.b.createCDPSession()];
  for (const x of sessions) {
    await x.send('Profiler.enable');
    await x.send('Profiler.setSamplingInterval', { interval: 100 });
  }
  const merged: [Profile[], Profile[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    // Profile the run only, not the teardown between runs.
    await Promise.all(sessions.map((x) => x.send('Profiler.start')));
    await oneRun(s, c, kind);
    const stopped = await Promise.all(sessions.map((x) => x.send('Profiler.stop')));
    stopped.forEach((r, side) => merged[side].push(r.profile as unknown as Profile));
    await reset(s, c);
  }
  await Promise.all(sessions.map((x) => x.detach()));
  const [caller, callee] = merged.map((ps) => mergeSummaries(ps.map((p) => summarizeProfile(p, pageCategories))));
  return { contender: c, kind, runs, caller, callee };
}

export async function runSetup(o: SetupOptions): Promise<string> {
  const s = await openSession(o.log, o.contenders);
  const samples = {} as Record<Contender, Record<Metric, number[]>>;
  const phases = {} as Record<Contender, number[][]>;
  const dataPhases = {} as Record<Contender, number[][]>;
  const profiles: PageProfile[] = [];
  const failures = {} as Record<Contender, string[]>;
  try {
    for (const c of s.ready) {
      samples[c] = { callerFrame: [], calleeFrame: [], dataOpen: [] };
      failures[c] = [];
      phases[c] = PHASES.map(() => []);
      dataPhases[c] = PHASES.map(() => []);
    }
    for (let round = 0; round < o.warmup + o.runs; round++) {
      const keep = round >= o.warmup;
      for (const c of s.ready) {
        for (const kind of ['call', 'connect'] as RunKind[]) {
          try {
            const r = await oneRun(s, c, kind);
            if (keep) {
              if (kind === 'call') {
                samples[c].callerFrame.push(r.t1 - r.t0);
                samples[c].calleeFrame.push(r.tCallee! - r.t0);
              } else samples[c].dataOpen.push(r.t1 - r.t0);
              const into = kind === 'call' ? phases : dataPhases;
              PHASES.forEach(([, f], i) => {
                const v = f(r.t0, r.t1, r.marks);
                if (v !== undefined) into[c][i].push(v);
              });
            }
          } catch (e) {
            failures[c].push(`${kind} round ${round}: ${(e as Error).message}`);
            o.log(`${c}: ${(e as Error).message}`);
          }
          await reset(s, c);
        }
      }
      o.log(`setup round ${round + 1}/${o.warmup + o.runs}${keep ? '' : ' (warm-up)'}`);
    }
    for (const kind of ['call', 'connect'] as RunKind[]) {
      for (const c of s.ready) {
        if (!o.profileRuns) continue;
        try {
          profiles.push(await profiledPass(s, c, kind, o.profileRuns));
        } catch (e) {
          o.log(`${c} profiled ${kind}: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    await s.close();
  }
  return `${report(o, samples, failures, s.ready, s.skipped)}\n\n${slowerReport(samples, phases, dataPhases, profiles, s.ready)}\n\n${phaseReport(phases, dataPhases, s.ready)}${profileReport(profiles)}`;
}

/**
 * A negative "answer applied → first remote candidate" means the library called
 * addIceCandidate while setRemoteDescription(answer) was still running (Chromium queues
 * it behind), so the candidates are applied the moment the answer is; simple-peer
 * instead holds them in `_pendingCandidates` until `remoteDescription` is set
 * (node_modules/simple-peer/index.js), which starts ICE checks later.
 */
function candidateNote(phases: Record<Contender, number[][]>, dataPhases: Record<Contender, number[][]>, cols: Contender[]): string {
  if (!cols.includes('ours') || !cols.includes('peerjs')) return '';
  const i = PHASES.findIndex(([n]) => n.includes('first remote ICE candidate'));
  const v = (p: Record<Contender, number[][]>, c: Contender) => median(p[c][i]);
  if (!(v(phases, 'peerjs') < 0 && v(phases, 'ours') > 0)) return '';
  const j = PHASES.findIndex(([n]) => n === '→ ICE + DTLS connected');
  const ice = (p: Record<Contender, number[][]>) => median(p.ours[j]) > median(p.peerjs[j]);
  return `- First remote ICE candidate at the caller: PeerJS calls \`addIceCandidate\` before its \`setRemoteDescription(answer)\` has finished (median ${fmt(v(phases, 'peerjs'))} ms for calls${v(dataPhases, 'peerjs') < 0 ? `, ${fmt(v(dataPhases, 'peerjs'))} ms for data` : ''}), so Chromium applies the callee's candidates right behind the answer; ours (simple-peer holds remote candidates in \`_pendingCandidates\` until \`remoteDescription\` is set, node_modules/simple-peer/index.js) adds its first one ${fmt(v(phases, 'ours'))} ms after the answer is applied in calls, like the floor.${ice(phases) ? ' This is where ours\' "ICE + DTLS connected" phase loses time against PeerJS.' : ''}`;
}

function phaseReport(phases: Record<Contender, number[][]>, dataPhases: Record<Contender, number[][]>, ready: Contender[]): string {
  const cols = (['ours', 'peerjs', 'floor'] as Contender[]).filter((c) => ready.includes(c));
  const both = cols.includes('ours') && cols.includes('peerjs');
  const rowsOf = (p: Record<Contender, number[][]>) =>
    PHASES.map(([label], i) => [label, ...cols.map((c) => fmt(median(p[c][i]))), ...(both ? [fmt(median(p.ours[i]) - median(p.peerjs[i]))] : [])]);
  const headers = (what: string) => [what, ...cols.map((c) => LABEL[c].split(' ')[0]), ...(both ? ['ours − PeerJS'] : [])];
  return [
    "### Where the caller's time goes (median ms per phase)",
    '',
    table(headers('call() phase (caller side)'), rowsOf(phases)),
    '',
    table(headers('connect() phase (caller side)'), rowsOf(dataPhases)),
    '',
    '- Marks come from an RTCPeerConnection subclass the bench page installs before any library loads (creation, `signalingState` have-local-offer and back to stable, first `addIceCandidate` call, `connectionState` connected) and from the first WebSocket send after the local offer. Medians per phase; they need not add up to the median total. Rows marked "for reference" are not part of the chain.',
    candidateNote(phases, dataPhases, cols),
  ].join('\n');
}

function report(
  o: SetupOptions,
  samples: Record<Contender, Record<Metric, number[]>>,
  failures: Record<Contender, string[]>,
  ready: Contender[],
  skipped: Partial<Record<Contender, string>>,
): string {
  const cols: Contender[] = ['ours', 'peerjs', 'floor'];
  const headers = ['metric', ...cols.flatMap((c) => [`${LABEL[c].split(' ')[0]} median`, `${LABEL[c].split(' ')[0]} p95`]), 'ours/PeerJS (median)'];
  const rows = METRICS.map(([m, label]) => {
    const cell = (c: Contender, q: (v: number[]) => number) =>
      ready.includes(c) && samples[c][m].length ? fmt(q(samples[c][m])) : skipped[c] ? 'cannot run' : ready.includes(c) ? 'all runs failed' : 'not run';
    const ours = ready.includes('ours') ? median(samples.ours[m]) : undefined;
    const theirs = ready.includes('peerjs') ? median(samples.peerjs[m]) : undefined;
    return [label, ...cols.flatMap((c) => [cell(c, median), cell(c, p95)]), ratio(ours, theirs)];
  });
  const notes: string[] = [
    `${o.runs} measured rounds after ${o.warmup} warm-up round(s); in each round the contenders run one after another (ours, PeerJS, floor), call then connect, each on a fresh RTCPeerConnection over an already open signaling socket.`,
    'Fake camera 640×480 + fake microphone on both sides, no ICE servers (host candidates on loopback/LAN). Times are wall clock (`performance.timeOrigin + performance.now()`) across the two pages of one Chromium. "First remote frame" = first `requestVideoFrameCallback` or `resize` with `videoWidth > 0` on a `<video>` playing the remote stream.',
    'Ratio below 1× means ours is faster.',
  ];
  for (const c of cols) {
    if (skipped[c]) notes.push(`**${LABEL[c]} could not run:** ${skipped[c]}`);
    else if (ready.includes(c)) {
      const n = samples[c];
      notes.push(`${LABEL[c]}: samples caller ${n.callerFrame.length}, callee ${n.calleeFrame.length}, data ${n.dataOpen.length}${failures[c].length ? `; ${failures[c].length} failed run(s): ${failures[c].slice(0, 3).join('; ')}` : ''}.`);
    }
  }
  return `${table(headers, rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`;
}

function profileReport(profiles: PageProfile[]): string {
  if (!profiles.length) return '';
  const out: string[] = ['', '', '### Main-thread JavaScript per run (profiled pass, ms of self time per run)', ''];
  for (const kind of ['call', 'connect'] as RunKind[]) {
    const ps = profiles.filter((p) => p.kind === kind);
    if (!ps.length) continue;
    const cats = [...new Set(ps.flatMap((p) => [...p.caller.categories, ...p.callee.categories].map(([k]) => k)))];
    const cell = (p: PageProfile, side: 'caller' | 'callee', cat?: string) =>
      fmt((cat ? (p[side].categories.find(([k]) => k === cat)?.[1] ?? 0) : p[side].busyMs) / p.runs, 2);
    const rows = cats.map((cat) => [cat, ...ps.flatMap((p) => [cell(p, 'caller', cat), cell(p, 'callee', cat)])]);
    rows.push(['**all main-thread busy time**', ...ps.flatMap((p) => [cell(p, 'caller'), cell(p, 'callee')])]);
    out.push(table([`${kind === 'call' ? 'call()' : 'connect()'}: category`, ...ps.flatMap((p) => [`${LABEL[p.contender].split(' ')[0]} caller`, `${LABEL[p.contender].split(' ')[0]} callee`])], rows), '');
  }
  const runs = profiles[0].runs;
  out.push(
    `- ${runs} calls and ${runs} connects per contender with the V8 sampling profiler (100 µs) on both pages, from call()/connect() to the measured event (teardown excluded), after the timed rounds; profiling slows the pages, so these runs are not in the tables above. Only the pages' main threads: WebRTC's own work runs on browser threads the profiler does not see, but its synchronous API calls (the RTCPeerConnection constructor, addTrack, setLocalDescription …) count as "browser built-ins". Every page holds all three contenders' endpoints, so each column also carries the other libraries' idle timers (e.g. PeerJS's heartbeat). "bench page" is this harness (timing, the <video> element), the same for every contender.`,
  );
  for (const p of profiles.filter((x) => x.contender !== 'floor')) {
    for (const side of ['caller', 'callee'] as const) {
      const top = p[side].functions.slice(0, 6).map(([f, ms]) => `\`${f}\` ${fmt(ms / p.runs, 2)}`);
      out.push(`- ${LABEL[p.contender]} ${p.kind}, ${side} page, top self time (ms/run): ${top.join('; ')}.`);
    }
  }
  return out.join('\n');
}

/** Says, from this run's data, where ours is slower than PeerJS and in which phase the gap is. */
function slowerReport(
  samples: Record<Contender, Record<Metric, number[]>>,
  phases: Record<Contender, number[][]>,
  dataPhases: Record<Contender, number[][]>,
  profiles: PageProfile[],
  ready: Contender[],
): string {
  if (!ready.includes('ours') || !ready.includes('peerjs')) return '';
  const lines: string[] = [];
  for (const [m, label] of METRICS) {
    const ours = samples.ours[m];
    const theirs = samples.peerjs[m];
    if (!ours.length || !theirs.length || median(ours) <= median(theirs)) continue;
    const [lo, hi] = medianDiffInterval(ours, theirs);
    const p = m === 'dataOpen' ? dataPhases : phases;
    const behind = PHASES.map(([name], i) => [name, median(p.ours[i]) - median(p.peerjs[i])] as [string, number])
      .filter(([name, d]) => d > 0.05 && !name.startsWith('(for reference)'))
      .sort((a, b) => b[1] - a[1]);
    const kind: RunKind = m === 'dataOpen' ? 'connect' : 'call';
    const po = profiles.find((x) => x.contender === 'ours' && x.kind === kind);
    const pp = profiles.find((x) => x.contender === 'peerjs' && x.kind === kind);
    const side = m === 'calleeFrame' ? 'callee' : 'caller';
    const js =
      po && pp
        ? ` Main-thread JavaScript on the ${side} page per ${kind} (profiled pass): ours ${fmt(po[side].busyMs / po.runs, 2)} ms vs PeerJS ${fmt(pp[side].busyMs / pp.runs, 2)} ms.`
        : '';
    lines.push(
      `- **${label}**: ours ${fmt(median(ours))} ms vs PeerJS ${fmt(median(theirs))} ms (+${fmt(median(ours) - median(theirs))} ms). ` +
        `95 % bootstrap interval of the gap: ${fmt(lo)} … ${fmt(hi)} ms${lo <= 0 ? ', which includes 0: this run cannot tell the two apart' : ''}. ` +
        (m === 'calleeFrame'
          ? 'The phases below are the caller\'s; the callee-side gap is not broken down further.'
          : behind.length
            ? `Phases where ours' median is behind: ${behind.map(([n, d]) => `${n.replace(/^→ /, '')} +${fmt(d, 1)} ms`).join(', ')}.`
            : 'No single phase median is behind; the gap is spread across runs.') +
        js,
    );
  }
  return lines.length ? `### Where ours is slower than PeerJS\n\n${lines.join('\n')}` : '### Where ours is slower than PeerJS\n\nNowhere in this run: ours\' median is at or below PeerJS\' for every metric.';
}
