package dev.provpt.rl;

/**
 * PPO settings of PRO-VPT's allocator ([PRO-VPT] Appendix F and [PRO-VPT-code]).
 *
 * @param hidden width of both hidden layers of actor and critic
 * @param gamma discount of the Monte-Carlo returns
 * @param clip PPO's ε: the ratio is clipped to [1 − ε, 1 + ε]
 * @param epochs K full-batch optimisation steps per update
 * @param valueCoefficient weight of the critic's squared error
 * @param entropyCoefficient weight of the policy entropy bonus
 * @param updateEvery rewards per update (the rollout buffer's size)
 * @param actorLearningRate Adam learning rate of the actor's variables
 * @param criticLearningRate Adam learning rate of the critic's variables
 */
public record PpoConfig(
    int hidden,
    double gamma,
    double clip,
    int epochs,
    double valueCoefficient,
    double entropyCoefficient,
    int updateEvery,
    float actorLearningRate,
    float criticLearningRate) {

  public PpoConfig {
    require(hidden >= 1, "hidden", hidden, ">= 1");
    require(gamma >= 0 && gamma <= 1, "gamma", gamma, "in [0, 1]");
    require(clip > 0 && clip < 1, "clip", clip, "in (0, 1)");
    require(epochs >= 1, "epochs", epochs, ">= 1");
    require(valueCoefficient >= 0 && Double.isFinite(valueCoefficient), "valueCoefficient", valueCoefficient, ">= 0");
    require(entropyCoefficient >= 0 && Double.isFinite(entropyCoefficient), "entropyCoefficient", entropyCoefficient, ">= 0");
    // Returns are normalised with the unbiased std, which needs at least two of them.
    require(updateEvery >= 2, "updateEvery", updateEvery, ">= 2");
    require(actorLearningRate > 0 && Float.isFinite(actorLearningRate), "actorLearningRate", actorLearningRate, "> 0");
    require(criticLearningRate > 0 && Float.isFinite(criticLearningRate), "criticLearningRate", criticLearningRate, "> 0");
  }

  /** [PRO-VPT]'s values: 64 hidden, γ 1, ε 0.2, K 60, 0.5 value, 0.01 entropy, every 2, lr 3e-4 / 1e-3. */
  public static PpoConfig defaults() {
    return new PpoConfig(64, 1.0, 0.2, 60, 0.5, 0.01, 2, 3e-4f, 1e-3f);
  }

  public PpoConfig withEpochs(int epochs) {
    return new PpoConfig(hidden, gamma, clip, epochs, valueCoefficient, entropyCoefficient, updateEvery,
        actorLearningRate, criticLearningRate);
  }

  private static void require(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("PPO " + name + " must be " + expected + ", got " + value);
    }
  }
}
