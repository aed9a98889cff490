/**
 * What Medvault writes outside the vault — packets, snapshots, the disclosure log's CSV — is the
 * patient's plaintext: readable by them alone (0600, folders 0700) until they hand it over, not by
 * the other users of the computer. (A USB stick's FAT file system keeps no modes; the patient's
 * own disk does.)
 */
export const PACKET_FILE_MODE = 0o600;
export const PACKET_FOLDER_MODE = 0o700;
