import { HomeLive } from '../components/home/home-live';
import { SessionsDashboard } from '../components/home/sessions-dashboard';

export default function HomePage() {
  return (
    <div className="mx-auto max-w-[100rem] space-y-10 px-4 py-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Work in flight</h1>
        <p className="mb-6 mt-1 text-slate-600 dark:text-slate-400">Sessions and everything agents and teammates write to Baton, as it happens.</p>
        <SessionsDashboard />
      </div>
      <HomeLive />
    </div>
  );
}
