// The one catalogue of log and audit event ids. Every structured log line and every audit
// entry carries one of these in its `event` field, so operators can grep and alert on
// stable names. Long actions log a `.start` and an outcome (`.ok` / `.failed`).
// Each area owns its block; ids are unique across the catalogue (a test checks).

export const HOST_EVENTS = {
  hostStart: 'host.start',
  hostReady: 'host.ready',
  hostStop: 'host.stop',
  hostStopped: 'host.stopped',
  composeStart: 'compose.start',
  composeOk: 'compose.ok',
  composeFailed: 'compose.failed',
  composeDevicesUnavailable: 'compose.devices.unavailable',
  composeChainUnavailable: 'compose.chain.unavailable',
  composeVotingUnavailable: 'compose.voting.unavailable',
  composeRestart: 'compose.restart',
  rpcRejected: 'rpc.rejected',
  rpcFailed: 'rpc.failed',
  eventsClientOpen: 'events.client.open',
  eventsClientClose: 'events.client.close',
  sessionTransition: 'session.transition',
  sessionEligibilityStart: 'session.eligibility.start',
  sessionEligibilityOk: 'session.eligibility.ok',
  sessionEligibilityFailed: 'session.eligibility.failed',
  sessionIdleTimeout: 'session.idle.timeout',
  votingViewRefreshOk: 'voting.chain-view.ok',
  votingViewRefreshFailed: 'voting.chain-view.failed',
  votingViewRestored: 'voting.chain-view.restored',
  /** A session began without the chain's word on the voter's nullifiers (late, offline). */
  votingSpentUnknown: 'voting.nullifiers.unknown',
  shellStart: 'shell.start',
  shellBrowserExit: 'shell.browser.exit',
  shellBlocked: 'shell.blocked',
  shellHostReady: 'shell.host.ready',
  shellHostInvalid: 'shell.host.invalid',
  shellHostExit: 'shell.host.exit',
  shellHostRestart: 'shell.host.restart',
  shellLoadFailed: 'shell.load.failed',
  shellRendererGone: 'shell.renderer.gone',
  devDockAction: 'devdock.action',
} as const;

export const BALLOT_EVENTS = {
  ballotSealStart: 'ballot.seal.start',
  ballotSealOk: 'ballot.seal.ok',
  ballotSealFailed: 'ballot.seal.failed',
  ballotChallenged: 'ballot.challenged',
  noncePoolRefill: 'ballot.pool.refill',
  electionRejected: 'ballot.election.rejected',
} as const;

export const STORE_EVENTS = {
  storeOpen: 'store.open',
  storeMigrate: 'store.migrate',
  storeDiskFull: 'store.disk-full',
  outboxEnqueued: 'outbox.enqueued',
  outboxTransition: 'outbox.transition',
  outboxRejected: 'outbox.rejected',
  auditVerifyOk: 'audit.verify.ok',
  auditVerifyFailed: 'audit.verify.failed',
  exportWritten: 'export.written',
  /** A signed export (`export.written`) that then failed to reach the drive. */
  exportUnwritten: 'export.unwritten',
} as const;

export const HARDWARE_EVENTS = {
  deviceConnected: 'device.connected',
  deviceDisconnected: 'device.disconnected',
  deviceFault: 'device.fault',
  cardPresent: 'card.present',
  cardRead: 'card.read',
  cardRemoved: 'card.removed',
  cardError: 'card.error',
  printStart: 'print.start',
  printOk: 'print.ok',
  printFailed: 'print.failed',
  printerStatus: 'printer.status',
  touchHealth: 'touch.health',
} as const;

export const SYNC_EVENTS = {
  syncStart: 'sync.start',
  syncOk: 'sync.ok',
  syncFailed: 'sync.failed',
  headerVerified: 'sync.header.verified',
  headerRejected: 'sync.header.rejected',
  witnessConflict: 'sync.witness.conflict',
  submitStart: 'sync.submit.start',
  submitOk: 'sync.submit.ok',
  submitFailed: 'sync.submit.failed',
  ballotFinal: 'sync.ballot.final',
  statePulled: 'sync.state.pulled',
  /** A state pull the primary answered wrongly or not at all: the next validator is asked. */
  statePullFailed: 'sync.state.failed',
  witnessInvalid: 'sync.witness.invalid',
  trustExpired: 'sync.trust.expired',
  evidenceStoreFailed: 'sync.evidence.store-failed',
  /** Evidence that could not be stored when the alarm was raised was stored on a later round. */
  evidenceStoredLate: 'sync.evidence.stored-late',
  alarmRestored: 'sync.alarm.restored',
  /** Evidence written into a signed file for the authority (audited). */
  evidenceExported: 'sync.evidence.exported',
  /** A technician resolved evidence: the alarm is cleared, trust did not move (audited). */
  evidenceResolved: 'sync.evidence.resolved',
  evidenceResolveRefused: 'sync.evidence.resolve-refused',
  netNodeStart: 'net.node.start',
  netNodeStop: 'net.node.stop',
  netKeyCreated: 'net.key.created',
  netPeerDenied: 'net.peer.denied',
  netBootstrapFailed: 'net.bootstrap.failed',
  netRequestRejected: 'net.request.rejected',
  netHandlerFailed: 'net.handler.failed',
} as const;

export const STAFF_EVENTS = {
  staffSignIn: 'staff.signin',
  staffSignInFailed: 'staff.signin.failed',
  staffSignOut: 'staff.signout',
  staffLockout: 'staff.lockout',
  staffDenied: 'staff.denied',
  provisionDecommission: 'provision.decommission',
  pollsOpen: 'polls.open',
  pollsPause: 'polls.pause',
  pollsClose: 'polls.close',
  provisionStart: 'provision.start',
  provisionOk: 'provision.ok',
  provisionFailed: 'provision.failed',
  keyGenerated: 'key.generated',
  keyWiped: 'key.wiped',
  reconcileRun: 'reconcile.run',
  exportDriveStart: 'export.drive.start',
  exportDriveOk: 'export.drive.ok',
  exportDriveFailed: 'export.drive.failed',
} as const;

export const DEVNET_EVENTS = {
  devnetStart: 'devnet.start',
  blockCommitted: 'devnet.block.committed',
  txRejected: 'devnet.tx.rejected',
  faultSet: 'devnet.fault.set',
  electionClosed: 'devnet.election.closed',
  electionCalled: 'devnet.election.called',
  officialSeated: 'devnet.official.seated',
  ballotDuplicate: 'devnet.ballot.duplicate',
  recallStarted: 'devnet.recall.started',
  recallRecovered: 'devnet.recall.recovered',
  recallFailed: 'devnet.recall.failed',
  juryDrawn: 'devnet.jury.drawn',
  juryDrawFailed: 'devnet.jury.draw-failed',
  roundTimeout: 'devnet.round.timeout',
  proposalRefused: 'devnet.proposal.refused',
  voteEquivocation: 'devnet.vote.equivocation',
  /** A validator kept itself from signing a step it had passed (a restart mid-height). */
  devnetSignRefused: 'devnet.sign.refused',
  blocksSynced: 'devnet.sync.applied',
  validatorSetChanged: 'devnet.validators.changed',
  scenarioStart: 'devnet.scenario.start',
  scenarioStep: 'devnet.scenario.step',
  scenarioDone: 'devnet.scenario.done',
  scenarioFailed: 'devnet.scenario.failed',
} as const;

export const EVENTS = {
  ...HOST_EVENTS,
  ...BALLOT_EVENTS,
  ...STORE_EVENTS,
  ...HARDWARE_EVENTS,
  ...SYNC_EVENTS,
  ...STAFF_EVENTS,
  ...DEVNET_EVENTS,
} as const;

export type EventId = (typeof EVENTS)[keyof typeof EVENTS];

export const ALL_EVENT_SECTIONS = [
  HOST_EVENTS,
  BALLOT_EVENTS,
  STORE_EVENTS,
  HARDWARE_EVENTS,
  SYNC_EVENTS,
  STAFF_EVENTS,
  DEVNET_EVENTS,
] as const;
