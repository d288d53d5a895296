/**
 * The anchoring of a process: a processor on a log consumer of its own that runs only while this
 * process holds the anchoring lease, so that one process anchors at a time however many run it –
 * the publisher role and the all-in-one process (docs/architecture.md#the-chained-history). Its
 * checkpoint and lease live where the publisher's do; the anchors it makes are kept where every
 * api process reads them (`openAnchorStore`) and, with KAFKA_BROKERS, published on the topic (the
 * Kafka client loaded only then).
 */
import type { Logger } from 'pino';
import type { EventStore } from '../../infra/event-store/port.js';
import type { MessageSink } from '../../infra/kafka/port.js';
import { Anchoring, ANCHORING_CHECKPOINT_NAME } from '../../infra/proof/anchoring.js';
import { MongoAnchorStore, SqliteAnchorStore, type AnchorStore } from '../../infra/proof/anchors.js';
import type { ProofSigner } from '../../infra/proof/signing.js';
import { toOutgoingMessage } from '../../infra/publisher/outgoing-message.js';
import type { MongoReadModelStore } from '../../infra/read-models/mongo.js';
import type { Config } from '../wiring/config.js';
import type { ReadinessCheck } from '../http/plugins/operations.js';
import { coordination, leasedCheck, leasedGroup } from '../wiring/leases.js';

/** The anchors every process verifies against: in the read-model database on the real stack, else in DATA_DIR. */
export const openAnchorStore = (config: Config, shared: MongoReadModelStore | undefined): AnchorStore =>
  shared !== undefined ? new MongoAnchorStore(shared.database) : new SqliteAnchorStore(config.DATA_DIR);

export const startAnchoring = async (deps: {
  config: Config;
  eventStore: EventStore;
  anchors: AnchorStore;
  signer: ProofSigner;
  logger: Logger;
  /** The read-model database on the real stack: the checkpoint and the lease live there. */
  shared: MongoReadModelStore | undefined;
}): Promise<{ stop(): Promise<void>; check: ReadinessCheck }> => {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'anchoring' });
  const where = await coordination(config.DATA_DIR, deps.shared, logger);
  let sink: MessageSink | undefined;
  let open = false;
  if (config.KAFKA_BROKERS) {
    const child = logger.child({ topic: config.KAFKA_TOPIC });
    const { createKafkaClient, KafkaSink } = await import('../../infra/kafka/index.js');
    sink = new KafkaSink({ kafka: createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'crm-discovery-anchoring', logger: child }), topic: config.KAFKA_TOPIC, logger: child });
  }
  const lease = leasedGroup({
    config,
    leases: where.leases,
    group: ANCHORING_CHECKPOINT_NAME,
    logger,
    start: async (token) => {
      await where.fence([ANCHORING_CHECKPOINT_NAME], token);
      anchoring.start();
    },
    stop: () => anchoring.stop(),
  });
  const anchoring = new Anchoring({
    store: deps.eventStore,
    anchors: deps.anchors,
    signer: deps.signer,
    logger,
    checkpoints: where.checkpoints(lease),
    fence: lease,
    intervalMs: config.PROOF_ANCHOR_INTERVAL * 1000,
    publish: async (event) => {
      if (!sink) return;
      if (!open) {
        await sink.open();
        open = true;
      }
      try {
        await sink.send([toOutgoingMessage(event)]);
      } catch (error) {
        open = false;
        throw error;
      }
    },
  });
  lease.start();
  return {
    stop: async () => {
      await lease.stop();
      await sink?.close();
      where.close();
    },
    check: leasedCheck(lease, { name: 'anchoring', check: async () => ({ up: anchoring.state !== 'stopped', state: anchoring.state }) }),
  };
};
