import { setupServer } from 'msw/node'

/** The one request interceptor of the web tests; `mountSimulator` installs the simulator behind it. */
export const mswServer = setupServer()
