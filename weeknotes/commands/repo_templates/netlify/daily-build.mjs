// A Netlify scheduled function: << schedule.publish.comment >>,
// ask Netlify to build and publish the site again (a build hook), so that a post dated
// today appears on its date without anyone pushing.
//
// Once, in Netlify: Site configuration > Build & deploy > Build hooks > Add build hook,
// then Site configuration > Environment variables: WEEKNOTES_BUILD_HOOK = the hook's address.
// Without it, this function says so in the function log and does nothing.
export default async () => {
  const hook = process.env.WEEKNOTES_BUILD_HOOK;
  if (!hook) {
    console.log("WEEKNOTES_BUILD_HOOK is not set: no scheduled build (README.md says how to set it)");
    return;
  }
  const answer = await fetch(hook, { method: "POST", body: "{}" });
  console.log(`build hook answered ${answer.status} ${answer.statusText}`);
};

export const config = { schedule: "<< schedule.publish.cron >>" };
