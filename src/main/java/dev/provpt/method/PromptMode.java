package dev.provpt.method;

/** Where prompts enter the backbone: a method's prompt layout ([VPT]'s shallow and deep layouts, or none). */
public enum PromptMode {
  /** A pool of prompts, each assigned to one block; outputs at prompt positions are dropped. */
  DEEP,
  /** All prompts enter block 0 and are carried through every block. */
  SHALLOW,
  /** No prompts. */
  NONE
}
