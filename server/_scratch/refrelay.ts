// Reference relay for measurement only.
import { WebSocketServer } from 'ws';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
const wss = new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1' });
const repo = new Repo({ storage: new NodeFSStorageAdapter(process.env.DATA_DIR!), network: [new WebSocketServerAdapter(wss as never)], peerId: 'relay' as PeerId, sharePolicy: async () => false });
wss.on('listening', () => console.log('listening'));
void repo;
