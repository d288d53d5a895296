/**
 * Creates the integration topic when it is missing, with settings for a log that must not lose
 * events: replicated up to three times, acks = all needing two in-sync replicas where there are
 * enough brokers (the event store buffers while fewer are up, so durability wins over
 * availability), retention per the public contract, deletion not compaction.
 */
import type { Admin } from 'kafkajs';
import { TOPIC_SETTINGS } from '../../contracts/index.js';

export type TopicSettings = {
  partitions: number;
  maxReplicationFactor: number;
  retentionMs: number;
  cleanupPolicy: 'delete';
};

export type TopicPlan = { replicationFactor: number; minInsyncReplicas: number; configEntries: { name: string; value: string }[] };

export const planTopic = (brokerCount: number, settings: TopicSettings = TOPIC_SETTINGS): TopicPlan => {
  const replicationFactor = Math.max(1, Math.min(settings.maxReplicationFactor, brokerCount));
  const minInsyncReplicas = Math.min(2, replicationFactor);
  return {
    replicationFactor,
    minInsyncReplicas,
    configEntries: [
      { name: 'cleanup.policy', value: settings.cleanupPolicy },
      { name: 'retention.ms', value: String(settings.retentionMs) },
      { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
      { name: 'unclean.leader.election.enable', value: 'false' },
    ],
  };
};

/** Resolves with whether this call created the topic; an existing topic is left as it is. */
export const ensureTopic = async (admin: Admin, topic: string, settings: TopicSettings = TOPIC_SETTINGS): Promise<boolean> => {
  if ((await admin.listTopics()).includes(topic)) return false;
  const { brokers } = await admin.describeCluster();
  const plan = planTopic(brokers.length, settings);
  // False when another process created it in between: fine, it exists.
  return admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: settings.partitions, replicationFactor: plan.replicationFactor, configEntries: plan.configEntries }],
  });
};
