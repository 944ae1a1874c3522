/** CLIP ViT image encoder in ND4J: Hugging Face weights (safetensors), the exact CLIPImageProcessor, and the forward. */
package org.fbnet.clip;
