/** Configuration: the documented defaults in conf/, user files and overrides, resolved once. */
package org.fbnet.config;
