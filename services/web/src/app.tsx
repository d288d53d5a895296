import { QueryClient, QueryClientProvider } from '@tanstack/preact-query';
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { ApiError } from './api.js';
import { CatchingUpNotice } from './components/catching-up.js';
import { Layout } from './components/layout.js';
import { ProblemMessage } from './components/problem.js';
import { useT } from './i18n.js';
import NotFound from './pages/not-found.js';
import { ROUTES, type Page } from './routes.js';
import { useSession } from './session.js';

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // 401/403/404 do not get better by asking again.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/** A page that needs a signed-in user. */
const SignedIn = ({ page: Page, params }: { page: Page; params: Record<string, string> }) => {
  const session = useSession();
  const { url, route } = useLocation();
  const { t } = useT();
  const signedOut = session.isSuccess && !session.data.user;
  useEffect(() => {
    // While the lazy sign-in page loads, this page still renders at the new URL: redirecting again
    // from there would make the sign-in page its own way back.
    if (signedOut && !url.startsWith('/signin')) route(`/signin?returnTo=${encodeURIComponent(url)}`, true);
  }, [signedOut, url]);
  if (session.isPending) return <p class="loading">{t('actions.loading')}</p>;
  if (session.isError) return <ProblemMessage error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data.user) return null;
  return (
    <Layout>
      <Page {...params} />
    </Layout>
  );
};

/** Built once, so that a page keeps its state while the location changes within it. */
const PAGES = ROUTES.map((r) => ({
  path: r.path,
  component: r.public ? r.page : (params: Record<string, string>) => <SignedIn page={r.page} params={params} />,
}));

export const App = () => (
  <QueryClientProvider client={queries}>
    <LocationProvider>
      <CatchingUpNotice />
      <ErrorBoundary>
        <Router>
          {[...PAGES.map((p) => <Route key={p.path} path={p.path} component={p.component} />), <Route key="*" default component={NotFound} />]}
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  </QueryClientProvider>
);
