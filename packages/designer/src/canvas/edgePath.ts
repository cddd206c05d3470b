export interface Point {
  x: number;
  y: number;
}

/** An edge's path as ELK routed it: start, bend points, end; and the centre and size of its label. */
export interface EdgeRoute {
  points: Point[];
  label?: Point & { width: number; height: number };
}

/** How far (px) a handle may sit from the end ELK routed to before the route counts as stale. */
const ALONG = 12;
const ACROSS = 3;
/** How far an edge leaves its source and enters its target straight before turning. */
const STUB = 18;

const horizontal = (a: Point, b: Point) => Math.abs(a.y - b.y) < 0.5;

/**
 * ELK's routes moved to where the steps are now: an edge keeps its route only when both its
 * steps sit where ELK placed them (up to one shift for the whole flow), so a step moved by hand
 * falls back to `orthogonalRoute` for its own edges and leaves the others as ELK drew them.
 * @example const routes = placeRoutes(layout.routes, layout.exact, positions, edges);
 */
export function placeRoutes(
  routes: Readonly<Record<string, EdgeRoute>>,
  laidOut: Readonly<Record<string, Point>>,
  positions: ReadonlyMap<string, Point>,
  edges: readonly { id: string; source: string; target: string }[],
): Map<string, EdgeRoute> {
  const placed = new Map<string, EdgeRoute>();
  for (const edge of edges) {
    const route = routes[edge.id];
    const [fromElk, toElk, from, to] = [laidOut[edge.source], laidOut[edge.target], positions.get(edge.source), positions.get(edge.target)];
    if (!route || !fromElk || !toElk || !from || !to) continue;
    const dx = from.x - fromElk.x;
    const dy = from.y - fromElk.y;
    if (Math.abs(to.x - toElk.x - dx) > 1.5 || Math.abs(to.y - toElk.y - dy) > 1.5) continue;
    const move = (p: Point) => ({ x: p.x + dx, y: p.y + dy });
    placed.set(edge.id, { points: route.points.map(move), ...(route.label ? { label: { ...route.label, ...move(route.label) } } : {}) });
  }
  return placed;
}

/**
 * The route's points with its ends on the handles the canvas drew (which may differ from ELK's
 * ports by a few pixels), keeping every segment horizontal or vertical; `null` when the handles
 * are too far from the route's ends for it to be this edge's route any more.
 */
export function snapRoute(points: readonly Point[], source: Point, target: Point): Point[] | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (points.length < 2 || Math.abs(first.x - source.x) > ALONG || Math.abs(first.y - source.y) > ACROSS) return null;
  if (Math.abs(last.x - target.x) > ALONG || Math.abs(last.y - target.y) > ACROSS) return null;
  if (points.length === 2) return straightOrJog(source, target);
  const snapped = points.map((p) => ({ ...p }));
  if (horizontal(first, points[1])) snapped[1].y = source.y;
  if (horizontal(points[points.length - 2], last)) snapped[snapped.length - 2].y = target.y;
  snapped[0] = { ...source };
  snapped[snapped.length - 1] = { ...target };
  return snapped;
}

function straightOrJog(source: Point, target: Point): Point[] {
  if (Math.abs(source.y - target.y) < 0.5) return [source, { x: target.x, y: source.y }];
  const mid = (source.x + target.x) / 2;
  return [source, { x: mid, y: source.y }, { x: mid, y: target.y }, target];
}

/**
 * An orthogonal path from a right-hand output handle to a left-hand input handle, for edges
 * ELK did not route (a step moved by hand, a flow too large to route). Forward edges turn once
 * half-way; an edge to a step behind or level with its source leaves and enters straight for a
 * short stub and runs between the two steps (or below them when they share a row), rather
 * than looping back through them.
 * @example orthogonalRoute({ x: 0, y: 0 }, { x: 100, y: 50 }) // [(0,0), (50,0), (50,50), (100,50)]
 */
export function orthogonalRoute(source: Point, target: Point, clearance = 70): Point[] {
  if (target.x - source.x >= 2 * STUB) return straightOrJog(source, target);
  const out = source.x + STUB;
  const into = target.x - STUB;
  const apart = Math.abs(target.y - source.y) > 2 * clearance;
  const channel = apart ? (source.y + target.y) / 2 : Math.max(source.y, target.y) + clearance;
  return [source, { x: out, y: source.y }, { x: out, y: channel }, { x: into, y: channel }, { x: into, y: target.y }, target];
}

/** Where a label goes on a path ELK did not label: the middle of its longest segment. */
export function labelPoint(points: readonly Point[]): Point {
  let best = { length: -1, at: points[0] };
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    const length = Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
    if (length > best.length) best = { length, at: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
  }
  return best.at;
}

/**
 * The orthogonal path to draw and where its label goes: ELK's route when it still fits the
 * handles, else the canvas's own (`by: 'canvas'`).
 */
export function edgeGeometry(route: EdgeRoute | undefined, source: Point, target: Point) {
  const routed = route ? snapRoute(route.points, source, target) : null;
  const points = routed ?? orthogonalRoute(source, target);
  const label = routed && route?.label ? route.label : labelPoint(points);
  return { path: svgPath(points), labelX: label.x, labelY: label.y, by: routed ? ('elk' as const) : ('canvas' as const) };
}

/** A label's centre and size. */
export interface LabelBox extends Point {
  width: number;
  height: number;
}

const apart = (a: LabelBox, b: LabelBox, gap: number) =>
  Math.abs(a.x - b.x) >= (a.width + b.width) / 2 + gap || Math.abs(a.y - b.y) >= (a.height + b.height) / 2 + gap;

/**
 * The labels of edges leaving one step, moved apart so that no two boxes intersect (with `gap`
 * px between them): taken from the top (then the left), each label that would touch one
 * already placed moves down just below it. A label that touches none keeps its place, so
 * labels far apart stay on their edges. For edges the canvas routes itself (ELK places its own
 * labels apart).
 * @example separateLabels(new Map([['a', box], ['b', box]])) // b moved below a
 */
export function separateLabels(labels: ReadonlyMap<string, LabelBox>, gap = 4): Map<string, Point> {
  const order = [...labels].sort(([ida, a], [idb, b]) => a.y - b.y || a.x - b.x || (ida < idb ? -1 : ida > idb ? 1 : 0));
  const placed: LabelBox[] = [];
  const out = new Map<string, Point>();
  for (const [id, label] of order) {
    const box = { ...label };
    // y only grows, and a box once passed is never touched again: at most one move per placed box
    for (let hit = placed.find((p) => !apart(p, box, gap)); hit; hit = placed.find((p) => !apart(p, box, gap))) {
      box.y = hit.y + (hit.height + box.height) / 2 + gap;
    }
    placed.push(box);
    out.set(id, { x: box.x, y: box.y });
  }
  return out;
}

/** An SVG path through the points with straight segments (so it stays orthogonal). */
export function svgPath(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${round(p.x)} ${round(p.y)}`).join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;
