package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import org.junit.jupiter.api.Test;

class TaskDataTest {
  @Test
  void imagesThatDoNotFitTheModelAreRefusedWithBothShapes() {
    VitConfig rgb32 = new VitConfig(32, 3, 4, 16, 2, 2, 32, Gelu.EXACT, 1e-6, "imagenet", 0);
    ImageSet shapes = Shapes.generate(1, 2, "shapes10");
    var e = assertThrows(DataException.class, () -> TaskData.checkFits(shapes, rgb32));
    assertTrue(e.getMessage().contains("shapes10: images are 28x28x1, but the backbone expects 32x32x3"),
        e.getMessage());
  }
}
