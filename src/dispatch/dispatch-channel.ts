// The NOTIFY channel of due deliveries and the name of the connection that hears it, alone in their file so that any
// layer may wake the dispatchers (and a test find their listener).
/** The dispatcher LISTENs here to wake before its next tick when something falls due. */
export const DISPATCH_CHANNEL = 'holdfast_dispatch';
/** The application_name of the dispatcher's connection that LISTENs for wake-ups and closing gates (pg_stat_activity). */
export const DISPATCH_LISTENER = 'holdfast-dispatch-listener';
