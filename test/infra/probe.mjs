// Readiness probe for the test servers started by test/infra/up.sh (test equipment only).
//
//   node test/infra/probe.mjs kafka 127.0.0.1:19092        [--timeout S] [--pid N]
//   node test/infra/probe.mjs mongo mongodb://127.0.0.1:27018/ [--timeout S] [--pid N]
//   node test/infra/probe.mjs tcp   127.0.0.1:2114          [--timeout S] [--pid N]
//   node test/infra/probe.mjs oidc  http://127.0.0.1:9400   [--timeout S] [--pid N]
//
// Retries until the server really answers (Kafka: admin describeCluster + listTopics;
// Mongo: `ping`; tcp: the port accepts a connection; oidc: the discovery document names that
// issuer and its JWKS holds a key) or the timeout passes. With --pid it
// gives up as soon as that process has exited. Exit codes: 0 ready, 2 timed out,
// 3 process exited, 64 usage.
import fs from 'node:fs';
import net from 'node:net';

const [kind, target, ...rest] = process.argv.slice(2);
let timeoutS = 60;
let pid;
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === '--timeout') timeoutS = Number(rest[i + 1]);
  else if (rest[i] === '--pid') pid = Number(rest[i + 1]);
  else usage(`unknown option ${rest[i]}`);
}
if (!kind || !target || !Number.isFinite(timeoutS)) usage('missing arguments');

function usage(msg) {
  console.error(`probe: ${msg}\nusage: probe.mjs kafka|mongo|tcp|oidc|mailpit TARGET [--timeout S] [--pid N]`);
  process.exit(64);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(p) {
  try {
    process.kill(p, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    // A zombie still answers kill(0); its state letter in /proc/PID/stat is Z.
    const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/s.test(stat);
  } catch {
    return true;
  }
}

async function probeKafka(brokers) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const kafka = new Kafka({
    clientId: 'infra-probe',
    brokers: brokers.split(','),
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers.length) throw new Error('no brokers in metadata yet');
    if (cluster.controller == null || cluster.controller < 0) throw new Error('no active controller yet');
    await admin.listTopics();
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function probeMongo(url) {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 1500,
    connectTimeoutMS: 1500,
    appName: 'infra-probe',
  });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    if (res.ok !== 1) throw new Error(`ping answered ${JSON.stringify(res)}`);
    return 'ping ok';
  } finally {
    await client.close().catch(() => {});
  }
}

function probeTcp(hostPort) {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i);
  const port = Number(hostPort.slice(i + 1));
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(1500, () => {
      sock.destroy();
      reject(new Error('connect timed out'));
    });
    sock.once('connect', () => {
      sock.destroy();
      resolve('port accepts connections');
    });
    sock.once('error', reject);
  });
}

async function probeOidc(issuer) {
  const get = async (url) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(1500) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  };
  const discovery = await get(`${issuer}/.well-known/openid-configuration`);
  if (discovery.issuer !== issuer) throw new Error(`the discovery document names issuer ${discovery.issuer}`);
  const jwks = await get(discovery.jwks_uri);
  if (!jwks.keys?.length) throw new Error(`no keys at ${discovery.jwks_uri}`);
  return `discovery document and ${jwks.keys.length} signing key(s)`;
}

/** Mailpit's HTTP API answers its info (the SMTP port is probed with tcp). */
async function probeMailpit(apiUrl) {
  const response = await fetch(`${apiUrl}/api/v1/info`, { signal: AbortSignal.timeout(1500) });
  if (!response.ok) throw new Error(`${apiUrl}/api/v1/info answered ${response.status}`);
  const info = await response.json();
  return `Mailpit ${info.Version ?? ''} with ${info.Messages ?? 0} message(s)`.replace('  ', ' ');
}

const probes = { kafka: probeKafka, mongo: probeMongo, tcp: probeTcp, oidc: probeOidc, mailpit: probeMailpit };
const probe = probes[kind];
if (!probe) usage(`unknown kind ${kind}`);

const deadline = Date.now() + timeoutS * 1000;
let lastError = 'no attempt made';
for (;;) {
  try {
    const what = await probe(target);
    console.log(`${kind} ${target}: ${what}`);
    process.exit(0);
  } catch (e) {
    lastError = e instanceof Error ? e.message : String(e);
  }
  if (pid && !alive(pid)) {
    console.error(`${kind} ${target}: server process ${pid} exited (last probe error: ${lastError})`);
    process.exit(3);
  }
  if (Date.now() >= deadline) {
    console.error(`${kind} ${target}: not answering after ${timeoutS}s (last probe error: ${lastError})`);
    process.exit(2);
  }
  await sleep(500);
}
