import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/db.js';

/**
 * deploy/: the kustomizations render (`kubectl kustomize`, as an operator would run it), every rendered object
 * validates against the Kubernetes JSON schemas (kubernetes-models, generated from the Kubernetes OpenAPI spec),
 * and the objects say what the deployment needs: probes, resources, non-root, secrets by reference, a rules
 * ConfigMap that can be updated in place. The Dockerfile and compose file are checked for the same contract.
 */
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

function render(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', path.join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`kubectl is needed to render the kustomizations (${r.error.message})`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as K8sObject);
}

async function schemaErrors(o: K8sObject): Promise<string | null> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const mod = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}`)) as Record<
    string,
    new (x: unknown) => { validate(): void }
  >;
  const Model = mod[o.kind];
  if (!Model) return `no schema for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const byKind = (objs: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name.startsWith(name));
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const podSpec = (o: K8sObject): any => o.spec.template.spec;
const rulesFiles = readdirSync(path.join(ROOT, 'rules'))
  .filter((f) => f.endsWith('.json'))
  .sort();

describe.each(['deploy/k8s/base', 'deploy/k8s/overlays/production'])('%s', (dir) => {
  let objs: K8sObject[];
  beforeAll(() => {
    objs = render(dir);
  });

  it('renders the objects a deployment needs, each valid against the Kubernetes schemas', async () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort()).toEqual(
      expect.arrayContaining([
        'ConfigMap/closeloop-config',
        'ConfigMap/closeloop-rules',
        'Deployment/closeloop-web',
        'Deployment/closeloop-worker',
        'HorizontalPodAutoscaler/closeloop-worker',
        'Job/closeloop-migrate',
        'PodDisruptionBudget/closeloop-web',
        'PodDisruptionBudget/closeloop-worker',
        'Service/closeloop-web',
      ]),
    );
    const errors = (
      await Promise.all(objs.map(async (o) => [`${o.kind}/${o.metadata.name}`, await schemaErrors(o)] as const))
    ).filter(([, e]) => e);
    expect(errors).toEqual([]);
    // No secret material in the manifests: only references to a Secret the operator creates.
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('probes, resources and a non-root, read-only container for every long-running role', () => {
    for (const name of ['closeloop-web', 'closeloop-worker']) {
      const spec = podSpec(byKind(objs, 'Deployment', name));
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true });
      const [c] = spec.containers;
      expect(c.livenessProbe.httpGet.path).toBe('/livez');
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      // The probe port is a port the container declares, and the one the role listens on.
      const port = c.ports.find((p: any) => p.name === c.readinessProbe.httpGet.port);
      const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
      expect(String(port.containerPort)).toBe(env.ROLE === 'worker' ? env.HEALTH_PORT : env.PORT);
      expect(c.resources.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      expect(c.envFrom).toEqual(expect.arrayContaining([{ secretRef: { name: 'closeloop-secrets' } }]));
    }
    const roles = ['closeloop-web', 'closeloop-worker'].map(
      (n) => podSpec(byKind(objs, 'Deployment', n)).containers[0].env.find((e: any) => e.name === 'ROLE').value,
    );
    expect(roles).toEqual(['web', 'worker']);
  });

  it('one image for every role; the migrate Job runs `closeloop migrate` before the others may start', () => {
    const images = new Set(
      ['closeloop-web', 'closeloop-worker'].map((n) => podSpec(byKind(objs, 'Deployment', n)).containers[0].image),
    );
    const job = byKind(objs, 'Job', 'closeloop-migrate');
    images.add(podSpec(job).containers[0].image);
    expect(images.size).toBe(1);
    expect(podSpec(job).containers[0].command).toEqual(['node', 'bin/closeloop.js', 'migrate']);
    expect(podSpec(job).restartPolicy).toBe('Never');
    const config = byKind(objs, 'ConfigMap', 'closeloop-config');
    expect(config.data?.MIGRATE_ON_START).toBe('false');
  });

  it('mounts the rules ConfigMap as a directory under a stable name, so edits hot-reload (no subPath)', () => {
    const rules = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'closeloop-rules');
    expect(rules).toBeDefined();
    // The ConfigMap carries the repository's rules, unchanged. When this fails after a rule edit: copy rules/*.json
    // to deploy/k8s/base/rules/ and list every file under configMapGenerator in deploy/k8s/base/kustomization.yaml.
    const drift = [...new Set([...Object.keys(rules!.data!), ...rulesFiles])].filter(
      (f) =>
        rules!.data![f] !== (rulesFiles.includes(f) ? readFileSync(path.join(ROOT, 'rules', f), 'utf8') : undefined),
    );
    expect({ 'rules/ files that differ in deploy/k8s/base (copy them over)': drift }).toEqual({
      'rules/ files that differ in deploy/k8s/base (copy them over)': [],
    });
    const config = byKind(objs, 'ConfigMap', 'closeloop-config');
    for (const name of ['closeloop-web', 'closeloop-worker']) {
      const spec = podSpec(byKind(objs, 'Deployment', name));
      const vol = spec.volumes.find((v: any) => v.configMap?.name === 'closeloop-rules');
      const mount = spec.containers[0].volumeMounts.find((m: any) => m.name === vol.name);
      expect(mount.subPath).toBeUndefined();
      expect(mount.mountPath).toBe(config.data?.RULES_DIR);
    }
  });

  it('disruption budgets and the worker autoscaler point at the right pods', () => {
    const labels = (n: string) => byKind(objs, 'Deployment', n).spec.template.metadata.labels;
    for (const n of ['closeloop-web', 'closeloop-worker']) {
      const pdb = byKind(objs, 'PodDisruptionBudget', n);
      expect(labels(n)).toMatchObject(pdb.spec.selector.matchLabels);
    }
    const svc = byKind(objs, 'Service', 'closeloop-web');
    expect(labels('closeloop-web')).toMatchObject(svc.spec.selector);
    expect(labels('closeloop-worker')).not.toMatchObject(svc.spec.selector);
    const hpa = byKind(objs, 'HorizontalPodAutoscaler', 'closeloop-worker');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'closeloop-worker' });
    expect(hpa.spec.metrics.map((m: any) => m.type)).toContain('Resource');
    // The HPA owns the worker count: the Deployment does not set one an apply would reset.
    expect(byKind(objs, 'Deployment', 'closeloop-worker').spec.replicas).toBeUndefined();
  });
});

test('the production overlay: own namespace and registry, workers scaled on queue age too', () => {
  const objs = render('deploy/k8s/overlays/production');
  for (const o of objs.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('closeloop');
  expect(podSpec(byKind(objs, 'Deployment', 'closeloop-web')).containers[0].image).toMatch(
    /^registry\.example\.com\/closeloop:\d+\.\d+\.\d+$/,
  );
  const hpa = byKind(objs, 'HorizontalPodAutoscaler', 'closeloop-worker');
  expect(hpa.spec.metrics.find((m: any) => m.type === 'External').external.metric.name).toBe(
    'closeloop_queue_oldest_age_seconds',
  );
});

test('the schema check is not vacuous: a malformed Deployment is rejected', async () => {
  const bad: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { replicas: 'two', template: {} },
  };
  expect(await schemaErrors(bad)).toMatch(/replicas must be integer|selector/);
});

describe('deploy/Dockerfile', () => {
  const text = readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));

  it('multi-stage, on the Node LTS release the project pins, as a non-root user, with a health check', () => {
    const pinned = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies.node as string;
    expect(text).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${pinned.replace(/\./g, '\\.')}-[a-z]+-slim$`, 'm'));
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(3);
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n\s+CMD .*\/readyz/m);
    expect(runtime).toMatch(/npm ci --omit=dev|COPY --from=deps/);
    expect(runtime).toContain('CMD ["node", "dist/src/main.js"]');
    // Only runtime files reach the last stage: no sources, tests or devDependencies.
    const copies = runtime.split('\n').filter((l) => l.startsWith('COPY '));
    for (const c of copies) expect(c).not.toMatch(/\b(src|tests|connectors)\s+\.\/(src|tests|connectors)\b/);
  });

  it('copies only paths that exist (the build output names are those of npm run build)', () => {
    for (const l of lines.filter((x) => /^COPY (?!--from)/.test(x))) {
      for (const src of l
        .replace(/^COPY\s+/, '')
        .split(/\s+/)
        .slice(0, -1))
        expect([src, existsSync(path.join(ROOT, src))]).toEqual([src, true]);
    }
    const build = readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8');
    expect(JSON.parse(build).include).toEqual(['src', 'connectors']);
  });
});

test('deploy/compose.yaml: pgvector, a one-shot migrate before web and any number of workers', () => {
  const c = parse(readFileSync(path.join(ROOT, 'deploy/compose.yaml'), 'utf8'), { merge: true }) as any;
  expect(c.services.postgres.image).toMatch(/^pgvector\/pgvector:[\d.]+-pg\d+$/);
  expect(c.services.migrate.command).toEqual(['node', 'bin/closeloop.js', 'migrate']);
  expect(c.services.migrate.restart).toBe('no');
  expect(c.services.migrate.depends_on.postgres.condition).toBe('service_healthy');
  for (const s of ['web', 'worker']) {
    expect(c.services[s].depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(c.services[s].environment.MIGRATE_ON_START).toBe('false');
    expect(c.services[s].env_file).toEqual([{ path: '../.env', required: false }]);
    expect(c.services[s].build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
  }
  expect(c.services.web.environment.ROLE).toBe('web');
  expect(c.services.worker.environment.ROLE).toBe('worker');
  // --scale worker=N needs no fixed container name and no host port.
  expect(c.services.worker.container_name).toBeUndefined();
  expect(c.services.worker.ports).toBeUndefined();
});
