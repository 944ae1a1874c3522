/** The Algonauts 2023 / NSD data layout: reading, validating and describing subject folders. */
package org.fbnet.data;
