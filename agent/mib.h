/*
 * mib.h - IMSCHECK-MIB over the agent's table (net-snmp handlers) and its
 * notification.
 */
#ifndef IMSCHECK_MIB_H
#define IMSCHECK_MIB_H

#include "agent.h"

/* Serve the table; it must outlive the registrations.  0, or -1. */
int mib_register(const struct table *t);
/* The profile was reloaded now (imsAgentLastReload). */
void mib_reloaded(void);
/* Send imsCheckStateChange for c through the master's trap sinks. */
void mib_notify(const struct check *c);

#endif
