/**
 * The monitoring in docker-compose.yml: Prometheus scrapes every role of the service where it
 * listens, Grafana is provisioned with Prometheus and the dashboard, and every metric the dashboard
 * queries is one the service exports – so a renamed metric or a moved role breaks this test instead
 * of leaving an empty panel.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import t from 'tap';
import { parse } from 'yaml';
import { ProjectorMetrics } from '../../infra/projector/metrics.js';
import { createPublisherMetrics } from '../../infra/publisher/metrics.js';
import { createMetrics } from '../../services/http/metrics.js';
import { ROLES, readCompose } from './compose-file.js';

const root = resolve(import.meta.dirname, '..', '..');
const compose = readCompose(join(root, 'docker-compose.yml')).resolved as { services: Record<string, Record<string, unknown>> };
const services = compose.services;
type ScrapeConfig = { job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[]; labels?: Record<string, string> }> };
const prometheus = parse(readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: ScrapeConfig[] };
const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/dashboards/crm-discovery.json'), 'utf8')) as {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
};

/** Every metric name the service's roles export: the HTTP and command metrics with Node's defaults, the projector's, the publisher's. */
const exported = async () => {
  const http = createMetrics().registry;
  const workers = new Registry();
  new ProjectorMetrics(['p'], workers, async () => []);
  createPublisherMetrics(workers, async () => undefined);
  const names = new Set<string>();
  for (const registry of [http, workers])
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  return names;
};

/** The metric names a PromQL expression reads (identifiers followed by a selector or a range, not functions or labels). */
const metricsIn = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1]!).filter((name) => name !== 'by');

t.test('Prometheus scrapes /metrics of every role on the port it listens on', async (t) => {
  const job = prometheus.scrape_configs.find((c) => c.job_name === 'crm-discovery');
  if (!job) return t.fail('no crm-discovery scrape job');
  t.equal(job.metrics_path ?? '/metrics', '/metrics');
  for (const role of ROLES) {
    const target = job.static_configs.find((c) => c.labels?.['role'] === role);
    if (!target) {
      t.fail(`${role}: not scraped`);
      continue;
    }
    // A role in another service's network namespace is reached at that service's name.
    const networkMode = String(services[role]?.['network_mode'] ?? '');
    const host = networkMode.startsWith('service:') ? networkMode.slice('service:'.length) : role;
    const port = String((services[role]?.['environment'] as Record<string, string> | undefined)?.['PORT'] ?? 3000);
    t.same(target.targets, [`${host}:${port}`], `${role}: scraped at ${host}:${port}`);
  }
});

t.test('Grafana is provisioned with Prometheus and the dashboard, after Prometheus is healthy', async (t) => {
  const grafana = services['grafana'];
  const volumes = (grafana?.['volumes'] as string[] | undefined) ?? [];
  t.ok(volumes.some((v) => v.startsWith('./deploy/grafana/provisioning:/etc/grafana/provisioning')), 'provisioning mounted');
  t.ok(volumes.some((v) => v.startsWith('./deploy/grafana/dashboards:/var/lib/grafana/dashboards')), 'dashboards mounted');
  t.same(grafana?.['depends_on'], { prometheus: { condition: 'service_healthy' } });
  const prometheusService = services['prometheus'];
  t.ok(((prometheusService?.['volumes'] as string[] | undefined) ?? []).some((v) => v.startsWith('./deploy/prometheus/prometheus.yml:')), 'scrape configuration mounted');
  const datasource = parse(readFileSync(join(root, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
  t.equal(datasource.datasources[0]?.url, 'http://prometheus:9090', 'the data source is the compose Prometheus');
  const uids = new Set(JSON.stringify(dashboard).match(/"uid":\s*"crm-prometheus"/g) ?? []);
  t.equal(uids.size, 1, 'the dashboard queries that data source');
  t.equal(datasource.datasources[0]?.uid, 'crm-prometheus');
});

t.test('every metric the dashboard queries is one the service exports', async (t) => {
  const names = await exported();
  const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((target) => metricsIn(target.expr).map((metric) => ({ panel: p.title, metric }))));
  t.ok(queried.length > 10, 'the dashboard queries metrics');
  const unknown = queried.filter(({ metric }) => metric !== 'up' && !names.has(metric));
  t.same(unknown, [], 'no panel reads a metric nobody exports');
  for (const metric of ['commands_total', 'http_request_duration_seconds_count', 'projection_lag_events', 'projection_lag_seconds', 'projection_failed', 'publisher_lag_events'])
    t.ok(queried.some((q) => q.metric === metric), `the dashboard shows ${metric}`);
});
