import { errors, idParam, ok, ref } from './parts.js';

/** Paths of cluster mode: the answers are the kernel's summary schemas (one definition). */
export const clusterPaths = {
  '/api/cluster/members': {
    get: {
      summary: 'Members of the cluster with their driver states (standalone: no members)',
      responses: { '200': ok('the members', ref('ClusterOverview')), ...errors },
    },
  },
  '/api/drivers/{id}/members': {
    get: {
      summary: 'One driver on every member of the cluster (standalone: no members)',
      parameters: [idParam('Driver')],
      responses: { '200': ok('the driver on every member', ref('DriverMembers')), ...errors },
    },
  },
} as const;
