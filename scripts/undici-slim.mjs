// What the bundle (scripts/build.mjs) takes of undici instead of its index, which loads its whole
// API at start-up (fetch, WebSocket, caches, mocks…: about a third of `veille refresh`'s start).
// Only what src/reader/fetch/ uses: Agent and ProxyAgent, and their dispatch() (the tests run the
// sources against undici's index, so keep this in step with what those files import).
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';

export { Agent, ProxyAgent };
