import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine and no helm binary where the suite runs (helm is not packaged by Debian), so
// these check what can be checked without them: the files parse as YAML, the compose services
// and nginx agree, and every value the chart's templates read exists in values.yaml.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, any> };
  const runtimes = Object.entries(compose.services).filter(([, s]) => s.build === '.');

  it('runs PostgreSQL 15, two runtime processes on it and a proxy in front of both', () => {
    expect(compose.services.postgres.image).toBe('postgres:15');
    expect(runtimes.map(([name]) => name)).toEqual(['runtime-a', 'runtime-b']);
    for (const [, service] of runtimes) {
      expect(service.environment.DATABASE_URL).toMatch(/^postgres:\/\/exflow:exflow@postgres:5432\/exflow$/);
      expect(service.healthcheck.test.join(' ')).toContain('/health');
      expect(service.environment.EXFLOW_TRUST_PROXY).toBe('1');
      // one sealing key for both processes, from the user's environment, required (no default key in the file)
      expect(service.environment.EXFLOW_SECRETS_KEY).toMatch(/^\$\{EXFLOW_SECRETS_KEY:\?.+\}$/);
    }
    // one of them seeds the demo data and migrates first; the other waits for it to be healthy
    expect(runtimes.map(([, s]) => s.environment.EXFLOW_SEED_DEMO)).toEqual(['true', 'false']);
    expect(compose.services['runtime-b'].depends_on['runtime-a'].condition).toBe('service_healthy');
    expect(compose.services.proxy.ports).toEqual(['3000:80']);
  });

  it('nginx proxies to exactly those processes, sticky by address, with WebSocket upgrades for Socket.IO', () => {
    const conf = read('deploy/nginx/exflow.conf');
    const upstream = [...conf.matchAll(/^\s*server\s+([\w-]+):3000/gm)].map((m) => m[1]);
    expect(upstream).toEqual(runtimes.map(([name]) => name));
    expect(conf).toMatch(/ip_hash;/);
    expect(conf).toMatch(/location \/socket\.io\/[\s\S]*proxy_set_header Upgrade \$http_upgrade/);
    const mount = compose.services.proxy.volumes[0] as string;
    expect(mount.startsWith('./deploy/nginx/exflow.conf:')).toBe(true);
  });
});

describe('Helm chart deploy/helm/exflow', () => {
  const chartDir = 'deploy/helm/exflow';
  const values = parse(read(`${chartDir}/values.yaml`));
  const templates = Object.fromEntries(readdirSync(join(root, chartDir, 'templates')).map((f) => [f, read(`${chartDir}/templates/${f}`)]));

  it('is a v2 chart whose templates read only values that values.yaml declares', () => {
    expect(parse(read(`${chartDir}/Chart.yaml`))).toMatchObject({ apiVersion: 'v2', name: 'exflow', type: 'application' });
    const missing: string[] = [];
    for (const [file, text] of Object.entries(templates)) {
      for (const [, path] of text.matchAll(/\.Values\.([\w.]+)/g)) {
        const found = path.split('.').reduce<any>((at, key) => (at !== undefined && at !== null && key in at ? at[key] : undefined), values);
        if (found === undefined) missing.push(`${file}: .Values.${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has a Deployment probing /health, a Service, an optional Ingress, a PodDisruptionBudget and an HPA on CPU and the effect queue', () => {
    const deployment = templates['deployment.yaml'];
    expect(deployment).toMatch(/kind: Deployment/);
    expect([...deployment.matchAll(/(\w+Probe):\s*\n\s*httpGet:\s*\n\s*path: \/health/g)].map((m) => m[1]).sort()).toEqual([
      'livenessProbe',
      'readinessProbe',
      'startupProbe',
    ]);
    expect(deployment).toMatch(/name: DATABASE_URL\s*\n\s*valueFrom:\s*\n\s*secretKeyRef:/);
    expect(templates['service.yaml']).toMatch(/kind: Service/);
    expect(templates['ingress.yaml']).toMatch(/^\{\{- if \.Values\.ingress\.enabled \}\}/);
    expect(templates['pdb.yaml']).toMatch(/apiVersion: policy\/v1\s*\nkind: PodDisruptionBudget/);
    const hpa = templates['hpa.yaml'];
    expect(hpa).toMatch(/apiVersion: autoscaling\/v2\s*\nkind: HorizontalPodAutoscaler/);
    expect(hpa).toMatch(/type: Resource\s*\n\s*resource:\s*\n\s*name: cpu/);
    expect(hpa).toMatch(/type: External/);
    expect(values.autoscaling.effectQueue.metricName).toBe('exflow_effects_pending');
    expect(values.podSecurityContext.runAsNonRoot).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('builds in one stage and runs the built runtime, production dependencies only, as a non-root user with a health check', () => {
    const stages = dockerfile.match(/^FROM /gm) ?? [];
    expect(stages.length).toBe(2);
    expect(dockerfile).toMatch(/deploy --legacy --prod/);
    const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runStage).toMatch(/^USER node$/m);
    expect(runStage).toMatch(/^HEALTHCHECK /m);
    expect(runStage).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(runStage).not.toMatch(/tsx|pnpm install/);
  });
});
