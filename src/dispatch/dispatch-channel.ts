// The NOTIFY channel of due deliveries, alone in its file so that any layer may wake the dispatchers.
/** The dispatcher LISTENs here to wake before its next tick when something falls due. */
export const DISPATCH_CHANNEL = 'holdfast_dispatch';
