import { errors, ok } from './parts.js';

const member = {
  type: 'object',
  required: [
    'memberId',
    'url',
    'alive',
    'leader',
    'startedAt',
    'lastHeartbeat',
    'resources',
    'self',
  ],
  properties: {
    memberId: { type: 'string' },
    url: { type: 'string', description: 'inter-server channel; empty when it runs none' },
    alive: { type: 'boolean', description: 'heartbeat within the lease TTL' },
    leader: { type: 'boolean' },
    startedAt: { type: 'string', format: 'date-time' },
    lastHeartbeat: { type: 'string', format: 'date-time' },
    resources: { type: 'array', items: { type: 'string' }, description: 'resources it owns' },
    self: { type: 'boolean', description: 'the member that answered' },
    drivers: {
      type: 'array',
      description: 'driver versions and states on the answering member',
      items: {
        type: 'object',
        required: ['id', 'version', 'state'],
        properties: {
          id: { type: 'string' },
          version: { type: 'string' },
          state: { type: 'string' },
        },
      },
    },
  },
};

/** Paths of cluster mode. */
export const clusterPaths = {
  '/api/cluster/members': {
    get: {
      summary: 'Members of the cluster (standalone: mode "standalone", no members)',
      responses: {
        '200': ok('the members', {
          type: 'object',
          required: ['mode', 'members'],
          properties: {
            mode: { type: 'string', enum: ['cluster', 'standalone'] },
            memberId: { type: 'string' },
            members: { type: 'array', items: member },
          },
        }),
        ...errors,
      },
    },
  },
} as const;
