/**
 * The anchoring of a process that serves the API: anchors kept in DATA_DIR (where this process's
 * verifications read them) and, with KAFKA_BROKERS, published on the integration topic.
 */
import type { Logger } from 'pino';
import type { EventStore } from '../../infra/event-store/port.js';
import { createKafkaClient, KafkaSink, type MessageSink } from '../../infra/kafka/index.js';
import { Anchoring } from '../../infra/proof/anchoring.js';
import { SqliteAnchorStore } from '../../infra/proof/anchors.js';
import type { ProofSigner } from '../../infra/proof/signing.js';
import { toOutgoingMessage } from '../../infra/publisher/outgoing-message.js';
import type { Config } from '../config.js';

export const startAnchoring = (deps: {
  config: Config;
  eventStore: EventStore;
  signer: ProofSigner;
  logger: Logger;
  onShutdown: (close: () => unknown) => void;
}) => {
  const { config, logger } = deps;
  const anchors = new SqliteAnchorStore(config.DATA_DIR);
  deps.onShutdown(() => anchors.close());
  let sink: MessageSink | undefined;
  let open = false;
  if (config.KAFKA_BROKERS) {
    const child = logger.child({ component: 'anchoring', topic: config.KAFKA_TOPIC });
    sink = new KafkaSink({ kafka: createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'crm-discovery-anchoring', logger: child }), topic: config.KAFKA_TOPIC, logger: child });
    deps.onShutdown(() => sink?.close());
  }
  const anchoring = new Anchoring({
    store: deps.eventStore,
    anchors,
    signer: deps.signer,
    logger: logger.child({ component: 'anchoring' }),
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
  const stop = anchoring.start(config.PROOF_ANCHOR_INTERVAL * 1000);
  deps.onShutdown(stop);
  return { anchors };
};
