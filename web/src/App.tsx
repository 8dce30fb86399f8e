// The console's routes. Signed-out people only reach the sign-in and invite pages; everything else is in the shell.
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Loading } from './components/states';
import { Shell } from './layout/Shell';
import { lazyScreen } from './lazy-screen';
import { useSession } from './session/session';
import { InviteScreen } from './screens/Invite/InviteScreen';
import { NotFoundScreen } from './screens/NotFound/NotFoundScreen';
import { SignInScreen } from './screens/SignIn/SignInScreen';

// Each section is its own chunk: the calendar's route loads only what the calendar needs.
const CalendarScreen = lazyScreen(() => import('./screens/Calendar/CalendarScreen'), 'CalendarScreen');
const ComposerScreen = lazyScreen(() => import('./screens/Composer/ComposerScreen'), 'ComposerScreen');
const PostScreen = lazyScreen(() => import('./screens/Post/PostScreen'), 'PostScreen');
const ApprovalsScreen = lazyScreen(() => import('./screens/Approvals/ApprovalsScreen'), 'ApprovalsScreen');
const MembersScreen = lazyScreen(() => import('./screens/Members/MembersScreen'), 'MembersScreen');
const AccountScreen = lazyScreen(() => import('./screens/Account/AccountScreen'), 'AccountScreen');
const CrisisScreen = lazyScreen(() => import('./screens/Crisis/CrisisScreen'), 'CrisisScreen');
const CrisisReportScreen = lazyScreen(() => import('./screens/CrisisReport/CrisisReportScreen'), 'CrisisReportScreen');
const MissedScreen = lazyScreen(() => import('./screens/Missed/MissedScreen'), 'MissedScreen');
const ChannelsScreen = lazyScreen(() => import('./screens/Channels/ChannelsScreen'), 'ChannelsScreen');
const MediaScreen = lazyScreen(() => import('./screens/Media/MediaScreen'), 'MediaScreen');
const AdsScreen = lazyScreen(() => import('./screens/Ads/AdsScreen'), 'AdsScreen');
const PlaybooksScreen = lazyScreen(() => import('./screens/Playbooks/PlaybooksScreen'), 'PlaybooksScreen');
const TemplatesScreen = lazyScreen(() => import('./screens/Templates/TemplatesScreen'), 'TemplatesScreen');
const AuditScreen = lazyScreen(() => import('./screens/Audit/AuditScreen'), 'AuditScreen');
const WebhooksScreen = lazyScreen(() => import('./screens/Webhooks/WebhooksScreen'), 'WebhooksScreen');

function RequireSession({ children }: { children: ReactNode }): ReactNode {
  const { session } = useSession();
  const location = useLocation();
  if (session === undefined) {
    return <Loading label="Opening Holdfast…" />;
  }
  if (session === null) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return children;
}

export function App(): ReactNode {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInScreen />} />
      <Route path="/invite/:token" element={<InviteScreen />} />
      <Route
        element={
          <RequireSession>
            <Shell />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/calendar" replace />} />
        <Route path="/calendar" element={<CalendarScreen />} />
        <Route path="/compose" element={<ComposerScreen />} />
        <Route path="/posts/:id/edit" element={<ComposerScreen />} />
        <Route path="/posts/:id" element={<PostScreen />} />
        <Route path="/approvals" element={<ApprovalsScreen />} />
        <Route path="/members" element={<MembersScreen />} />
        <Route path="/account" element={<AccountScreen />} />
        {/* Sections with pages of their own route inside them (nested <Routes>): the path ends in /*. */}
        <Route path="/crisis/*" element={<CrisisScreen />} />
        <Route path="/crises/:id/report" element={<CrisisReportScreen />} />
        <Route path="/missed" element={<MissedScreen />} />
        <Route path="/channels/*" element={<ChannelsScreen />} />
        <Route path="/media" element={<MediaScreen />} />
        <Route path="/ads/*" element={<AdsScreen />} />
        <Route path="/playbooks/*" element={<PlaybooksScreen />} />
        <Route path="/templates/*" element={<TemplatesScreen />} />
        <Route path="/audit" element={<AuditScreen />} />
        <Route path="/webhooks/*" element={<WebhooksScreen />} />
        <Route path="*" element={<NotFoundScreen />} />
      </Route>
    </Routes>
  );
}
