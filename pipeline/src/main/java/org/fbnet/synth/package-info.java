/** A synthetic Algonauts 2023 dataset with planted truth: images, fMRI, ROI masks and known noise ceilings. */
package org.fbnet.synth;
