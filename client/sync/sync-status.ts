/**
 * What the device's link to the relay is doing, as the person is told it.
 *  local         not paired: everything stays on this device
 *  connecting    opening the socket / authenticating / catching up
 *  online        caught up; edits go out and come in live
 *  offline       no network or the relay cannot be reached; retried by itself
 *  refused       the relay refused the token (rotated or removed): pair again
 *  limit         the account is over its storage quota: nothing new is uploaded; retried every few minutes
 *  too-many      the relay refused the connection: too many devices or connections at once; retried
 *  key-mismatch  the account's workspace is encrypted with a key this device does not hold:
 *                nothing is uploaded or merged until the device is paired with a link that carries it
 */
export type SyncStatus = 'local' | 'connecting' | 'online' | 'offline' | 'refused' | 'limit' | 'too-many' | 'key-mismatch';
