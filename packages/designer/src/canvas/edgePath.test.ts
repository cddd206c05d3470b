import { describe, expect, it } from 'vitest';
import { labelPoint, orthogonalRoute, placeRoutes, separateLabels, snapRoute, svgPath, type LabelBox, type Point } from './edgePath.js';

const orthogonal = (points: Point[]) => points.every((p, i) => i === 0 || p.x === points[i - 1].x || p.y === points[i - 1].y);

describe('edge paths', () => {
  it('keeps an ELK route for edges whose steps sit where ELK placed them, shifted with the flow', () => {
    const routes = {
      e1: {
        points: [
          { x: 212, y: 50 },
          { x: 240, y: 50 },
          { x: 240, y: 150 },
          { x: 300, y: 150 },
        ],
        label: { x: 260, y: 100, width: 40, height: 20 },
      },
    };
    const laidOut = { a: { x: 12, y: 10 }, b: { x: 300, y: 110 }, c: { x: 600, y: 10 } };
    const edges = [
      { id: 'e1', source: 'a', target: 'b' },
      { id: 'e2', source: 'b', target: 'c' },
    ];
    const shifted = placeRoutes(
      routes,
      laidOut,
      new Map([
        ['a', { x: 112, y: 20 }],
        ['b', { x: 400, y: 120 }],
        ['c', { x: 700, y: 20 }],
      ]),
      edges,
    );
    expect(shifted.get('e1')).toEqual({
      points: [
        { x: 312, y: 60 },
        { x: 340, y: 60 },
        { x: 340, y: 160 },
        { x: 400, y: 160 },
      ],
      label: { x: 360, y: 110, width: 40, height: 20 },
    });
    expect(shifted.has('e2')).toBe(false); // ELK gave it no route
    const moved = placeRoutes(
      routes,
      laidOut,
      new Map([
        ['a', { x: 12, y: 10 }],
        ['b', { x: 300, y: 170 }],
      ]),
      edges,
    );
    expect(moved.size).toBe(0);
  });

  it('snaps a route onto the drawn handles and keeps it orthogonal; refuses a route that no longer fits', () => {
    const route = [
      { x: 200, y: 50 },
      { x: 240, y: 50 },
      { x: 240, y: 150 },
      { x: 300, y: 150 },
    ];
    const snapped = snapRoute(route, { x: 205, y: 51.5 }, { x: 298, y: 149 })!;
    expect(snapped).toEqual([
      { x: 205, y: 51.5 },
      { x: 240, y: 51.5 },
      { x: 240, y: 149 },
      { x: 298, y: 149 },
    ]);
    expect(orthogonal(snapped)).toBe(true);
    expect(snapRoute(route, { x: 205, y: 80 }, { x: 300, y: 150 })).toBeNull();
    expect(snapRoute(route, { x: 200, y: 50 }, { x: 400, y: 150 })).toBeNull();
    expect(
      orthogonal(
        snapRoute(
          [
            { x: 0, y: 0 },
            { x: 100, y: 0 },
          ],
          { x: 0, y: 0 },
          { x: 100, y: 2 },
        )!,
      ),
    ).toBe(true);
  });

  it('routes its own edges orthogonally, and an edge back to an earlier step around rather than through the steps', () => {
    expect(orthogonalRoute({ x: 0, y: 0 }, { x: 100, y: 50 })).toEqual([
      { x: 0, y: 0 },
      { x: 50, y: 0 },
      { x: 50, y: 50 },
      { x: 100, y: 50 },
    ]);
    const back = orthogonalRoute({ x: 400, y: 100 }, { x: 100, y: 110 });
    expect(orthogonal(back)).toBe(true);
    expect(back[1].x).toBeGreaterThan(400);
    expect(back[4].x).toBeLessThan(100);
    expect(Math.min(...back.slice(2, 4).map((p) => p.y))).toBeGreaterThan(110 + 50);
    const near = orthogonalRoute({ x: 200, y: 0 }, { x: 210, y: 300 });
    expect(orthogonal(near)).toBe(true);
    expect(near[2].y).toBe(150);
  });

  it('labels the middle of the longest segment and draws straight segments only', () => {
    expect(
      labelPoint([
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 100 },
        { x: 20, y: 100 },
      ]),
    ).toEqual({ x: 10, y: 50 });
    expect(
      svgPath([
        { x: 0, y: 0.04 },
        { x: 10.26, y: 0 },
      ]),
    ).toBe('M0 0 L10.3 0');
  });
});

describe('labels of the edges leaving one step', () => {
  const intersect = (a: LabelBox, b: LabelBox) => Math.abs(a.x - b.x) < (a.width + b.width) / 2 && Math.abs(a.y - b.y) < (a.height + b.height) / 2;
  const noneIntersect = (boxes: LabelBox[]) => boxes.every((a, i) => boxes.every((b, j) => i === j || !intersect(a, b)));

  it('moves apart the labels of a step with 4 outcomes routed by the canvas, so no two boxes intersect', () => {
    // a decision's four outcome handles 22 px apart, all four targets in one column: the fallback
    // router labels the two short jogs on their shared first segment and the long ones on their verticals
    const source = (i: number) => ({ x: 212, y: 60 + 22 * i });
    const targets = [-150, 70, 100, 300].map((y) => ({ x: 500, y }));
    const sizes = [
      { width: 90, height: 26 },
      { width: 120, height: 26 },
      { width: 70, height: 26 },
      { width: 160, height: 26 },
    ];
    const labels = new Map(targets.map((target, i) => [`out${i}`, { ...labelPoint(orthogonalRoute(source(i), target)), ...sizes[i] }] as const));
    // as the fallback router places them, some overlap
    expect(noneIntersect([...labels.values()])).toBe(false);
    const moved = separateLabels(labels);
    const boxes = [...labels].map(([id, l]) => ({ ...l, ...moved.get(id)! }));
    expect(noneIntersect(boxes)).toBe(true);
    // labels move only down, and only those that touched another
    for (const [id, l] of labels) expect(moved.get(id)!.y).toBeGreaterThanOrEqual(l.y);
    expect(moved.get('out0')).toEqual({ x: labels.get('out0')!.x, y: labels.get('out0')!.y });
  });

  it('separates four labels stacked on one point, in a stable order, and leaves labels far apart alone', () => {
    const same = new Map(['d', 'c', 'b', 'a'].map((id) => [id, { x: 100, y: 100, width: 80, height: 26 }] as const));
    const moved = separateLabels(same, 4);
    expect(['a', 'b', 'c', 'd'].map((id) => moved.get(id)!.y)).toEqual([100, 130, 160, 190]);
    const far = new Map([
      ['x', { x: 0, y: 0, width: 80, height: 26 }],
      ['y', { x: 300, y: 0, width: 80, height: 26 }],
    ]);
    expect(separateLabels(far)).toEqual(
      new Map([
        ['x', { x: 0, y: 0 }],
        ['y', { x: 300, y: 0 }],
      ]),
    );
  });
});
