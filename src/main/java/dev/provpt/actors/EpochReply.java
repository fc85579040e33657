package dev.provpt.actors;

/**
 * A reply to one of the coordinator's requests. Every reply names the epoch it was asked in, so
 * the coordinator recognises a late or foreign one by its type and epoch alone and refuses it.
 */
public interface EpochReply {
  int epoch();
}
