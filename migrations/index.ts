// Every migration, in order. A migration is listed here once reviewed; never edited after it lands.
import { CreateFoundation1795392000000 } from './1795392000000-CreateFoundation';
import { CreateCalendar1795400000000 } from './1795400000000-CreateCalendar';
import { CreateAds1795500000000 } from './1795500000000-CreateAds';
import { CreateWebhooks1795510000000 } from './1795510000000-CreateWebhooks';
import { CreateTemplatesAndPlaybooks1795520000000 } from './1795520000000-CreateTemplatesAndPlaybooks';
import { CreateCrisis1795530000000 } from './1795530000000-CreateCrisis';
import { AddChannelStatus1795540000000 } from './1795540000000-AddChannelStatus';
import { AddBreakersAndFailover1795560000000 } from './1795560000000-AddBreakersAndFailover';
import { AddAuditChainHead1795570000000 } from './1795570000000-AddAuditChainHead';
import { AddAuditAppend1795580000000 } from './1795580000000-AddAuditAppend';
import { AddSendStarted1795590000000 } from './1795590000000-AddSendStarted';
import { AddStopRequestedAndInstances1795600000000 } from './1795600000000-AddStopRequestedAndInstances';
import { AddDeliveriesHeldByScope1795610000000 } from './1795610000000-AddDeliveriesHeldByScope';
import { AddDraftsAndPauseOrderErrors1795620000000 } from './1795620000000-AddDraftsAndPauseOrderErrors';
import { CreateIdempotencyKeys1795630000000 } from './1795630000000-CreateIdempotencyKeys';
import { AddOperatorReadIndexes1795640000000 } from './1795640000000-AddOperatorReadIndexes';
import { CreateSignIn1795660000000 } from './1795660000000-CreateSignIn';
import { AddWorkspaceTimeZone1795670000000 } from './1795670000000-AddWorkspaceTimeZone';
import { CreatePostVersions1795680000000 } from './1795680000000-CreatePostVersions';
import { CreateLiveEvents1795700000000 } from './1795700000000-CreateLiveEvents';
import { AddChannelLastVerified1795730000000 } from './1795730000000-AddChannelLastVerified';
import { AddPostMediaAndDeliveryProgress1795755000000 } from './1795755000000-AddPostMediaAndDeliveryProgress';
import { CreateLiveEventsHorizon1795880000000 } from './1795880000000-CreateLiveEventsHorizon';
import { AddReauthWaits1795890000000 } from './1795890000000-AddReauthWaits';
import { CreateMediaLibrary1795900000000 } from './1795900000000-CreateMediaLibrary';
import { CreateConnectFlows1795910000000 } from './1795910000000-CreateConnectFlows';

export const MIGRATIONS = [CreateFoundation1795392000000, CreateCalendar1795400000000, CreateAds1795500000000, CreateWebhooks1795510000000, CreateTemplatesAndPlaybooks1795520000000, CreateCrisis1795530000000, AddChannelStatus1795540000000, AddBreakersAndFailover1795560000000, AddAuditChainHead1795570000000, AddAuditAppend1795580000000, AddSendStarted1795590000000, AddStopRequestedAndInstances1795600000000, AddDeliveriesHeldByScope1795610000000, AddDraftsAndPauseOrderErrors1795620000000, CreateIdempotencyKeys1795630000000, AddOperatorReadIndexes1795640000000, CreateSignIn1795660000000, AddWorkspaceTimeZone1795670000000, CreatePostVersions1795680000000, CreateLiveEvents1795700000000, AddChannelLastVerified1795730000000, AddPostMediaAndDeliveryProgress1795755000000, CreateLiveEventsHorizon1795880000000, AddReauthWaits1795890000000, CreateMediaLibrary1795900000000, CreateConnectFlows1795910000000];
