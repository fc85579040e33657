package dev.provpt.model;

/** Where prompts enter the backbone: [VPT]'s shallow and deep layouts, or none (a linear probe). */
public enum PromptMode {
  /** A pool of prompts, each assigned to one block; outputs at prompt positions are dropped. */
  DEEP,
  /** All prompts enter block 0 and are carried through every block. */
  SHALLOW,
  /** No prompts: a linear probe on the frozen [CLS] features. */
  NONE
}
