// Typed access to the protobuf classes and gRPC service definitions that ship
// inside @eventstore/db-client (generated/*_pb.js, *_grpc_pb.js).
//
// The server MUST use these very module instances: the generated serializers
// check `instanceof` against them, and the client decodes with the same code.
// The modules are CommonJS, so they are imported as default (module.exports)
// and their .d.ts files give the types.
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import persistentGrpc from '@eventstore/db-client/generated/persistent_grpc_pb.js';
import projectionsGrpc from '@eventstore/db-client/generated/projections_grpc_pb.js';
import usersGrpc from '@eventstore/db-client/generated/users_grpc_pb.js';
import operationsGrpc from '@eventstore/db-client/generated/operations_grpc_pb.js';
import monitoringGrpc from '@eventstore/db-client/generated/monitoring_grpc_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';

export const pb = {
  ReadReq: streamsPb.ReadReq,
  ReadResp: streamsPb.ReadResp,
  AppendReq: streamsPb.AppendReq,
  AppendResp: streamsPb.AppendResp,
  UUID: sharedPb.UUID,
  Empty: sharedPb.Empty,
  StreamIdentifier: sharedPb.StreamIdentifier,
} as const;

export type ReadReq = StreamsPb.ReadReq;
export type ReadReqOptions = StreamsPb.ReadReq.Options;
export type FilterOptions = StreamsPb.ReadReq.Options.FilterOptions;
export type ReadResp = StreamsPb.ReadResp;
export type RecordedEvent = StreamsPb.ReadResp.ReadEvent.RecordedEvent;
export type AppendReq = StreamsPb.AppendReq;
export type AppendReqOptions = StreamsPb.AppendReq.Options;
export type ProposedMessage = StreamsPb.AppendReq.ProposedMessage;
export type AppendResp = StreamsPb.AppendResp;
export type UUID = SharedPb.UUID;

export const StreamsService = streamsGrpc.StreamsService;

/** Client-facing services the test server knows about (everything except Streams answers UNIMPLEMENTED). */
export const otherServices = {
  Gossip: gossipGrpc.GossipService,
  ServerFeatures: serverFeaturesGrpc.ServerFeaturesService,
  PersistentSubscriptions: persistentGrpc.PersistentSubscriptionsService,
  Projections: projectionsGrpc.ProjectionsService,
  Users: usersGrpc.UsersService,
  Operations: operationsGrpc.OperationsService,
  Monitoring: monitoringGrpc.MonitoringService,
} as const;
