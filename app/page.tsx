import { HomeLive } from '../components/home/home-live';

export default function HomePage() {
  return (
    <div className="mx-auto max-w-[100rem] px-4 py-8">
      <h1 className="text-2xl font-semibold tracking-tight">Work in flight</h1>
      <p className="mb-6 mt-1 text-slate-600 dark:text-slate-400">
        Everything agents and teammates write to Baton, as it happens.
      </p>
      <HomeLive />
    </div>
  );
}
