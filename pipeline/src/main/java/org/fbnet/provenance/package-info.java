/** Manifests recording what made each dataset, model and report. */
package org.fbnet.provenance;
