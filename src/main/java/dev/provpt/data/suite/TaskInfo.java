package dev.provpt.data.suite;

import java.util.List;

/**
 * What a suite task is: its registry name, VTAB group, class names in label order, where its images
 * come from (the Debian package for real images), the source's licence, and how the images are made.
 */
public record TaskInfo(String name, Group group, List<String> classNames, String source, String licence,
           String generation) {

  /** VTAB's three task groups. */
  public enum Group {
    /** Real photographs in VTAB; here real images nobody here made: handwriting, typefaces. */
    NATURAL,
    /** A different sensor or domain over real images. */
    SPECIALIZED,
    /** Generated scenes whose label is a structural property (position, orientation, count, distance). */
    STRUCTURED
  }

  public TaskInfo {
    classNames = List.copyOf(classNames);
  }

  public int numClasses() {
    return classNames.size();
  }
}
