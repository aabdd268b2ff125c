/* The media library picker: "Choose from the library…" beside an image field and under each rich-text editor.
 * One <dialog> searches the library (newest first) and lists its images as buttons; choosing one fills the image
 * field (and its alt text when empty) or inserts the image, with its alt text, where the editor's cursor is.
 * Progressive enhancement: without this script the fields upload as before. No inline script (the CSP). */
(function () {
    "use strict";

    let dialog = null;
    let onChoose = null;
    let pickerUrl = "";
    let nextPage = 1;
    let searchTimer = null;
    let lastRequest = 0;

    function element(tag, attributes, text) {
        const node = document.createElement(tag);
        Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
        if (text) {
            node.textContent = text;
        }
        return node;
    }

    function buildDialog() {
        dialog = element("dialog", {class: "library-dialog", "aria-labelledby": "library-dialog-title"});
        const header = element("div", {class: "library-dialog__header"});
        header.append(element("h2", {id: "library-dialog-title"}, "Choose an image from the library"));
        const close = element("button", {type: "button", class: "button library-dialog__close"}, "Close");
        close.addEventListener("click", () => dialog.close());
        header.append(close);
        const label = element("label", {for: "library-dialog-search"}, "Search by title, alt text, caption or credit");
        const search = element("input", {type: "search", id: "library-dialog-search", autocomplete: "off"});
        search.addEventListener("input", () => {
            window.clearTimeout(searchTimer);
            searchTimer = window.setTimeout(() => load(true), 250);
        });
        search.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();  // the editor's form must not be submitted from here
                load(true);
            }
        });
        const status = element("p", {class: "library-dialog__status", role: "status", "aria-live": "polite"});
        const results = element("ul", {class: "library-dialog__results"});
        const more = element("button", {type: "button", class: "button library-dialog__more", hidden: ""}, "Show more");
        more.addEventListener("click", () => load(false));
        dialog.append(header, label, search, status, results, more);
        dialog.addEventListener("close", () => {
            onChoose = null;
        });
        document.body.append(dialog);
    }

    function part(name) {
        return dialog.querySelector(`.library-dialog__${name}`);
    }

    function resultButton(item) {
        const button = element("button", {type: "button", class: "library-dialog__item"});
        const image = element("img", {src: item.url, alt: "", loading: "lazy", width: "120"});
        const text = element("span", {class: "library-dialog__text"});
        text.append(element("strong", {}, item.title));
        text.append(element("span", {}, item.alt ? `Alt text: ${item.alt}` : "No alt text yet"));
        text.append(element("span", {}, `Uploaded ${item.uploaded_at}`));
        button.append(image, text);
        button.addEventListener("click", () => {
            const choose = onChoose;
            dialog.close();
            if (choose) {
                choose(item);
            }
        });
        const row = element("li");
        row.append(button);
        return row;
    }

    function load(fresh) {
        const search = dialog.querySelector("#library-dialog-search");
        if (fresh) {
            nextPage = 1;
        }
        const request = ++lastRequest;
        const url = new URL(pickerUrl, window.location.href);
        url.searchParams.set("q", search.value);
        url.searchParams.set("page", String(nextPage));
        part("status").textContent = "Loading…";
        fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
            .then((response) => response.json().then((data) => ({ok: response.ok, data})))
            .then(({ok, data}) => {
                if (request !== lastRequest) {
                    return;
                }
                if (!ok) {
                    part("status").textContent = data.error || "The library could not be loaded.";
                    return;
                }
                const results = part("results");
                if (fresh) {
                    results.replaceChildren();
                }
                data.results.forEach((item) => results.append(resultButton(item)));
                part("more").hidden = !data.has_more;
                nextPage = data.page + 1;
                part("status").textContent = data.count
                    ? `${data.count} image${data.count === 1 ? "" : "s"}, newest first.`
                    : "No image matches. Upload one with the image button or the image field.";
            })
            .catch(() => {
                part("status").textContent = "The library could not be loaded. Try again.";
            });
    }

    function open(url, choose) {
        if (!dialog) {
            buildDialog();
        }
        pickerUrl = url;
        onChoose = choose;
        dialog.querySelector("#library-dialog-search").value = "";
        load(true);
        dialog.showModal();
        dialog.querySelector("#library-dialog-search").focus();
    }

    function fieldRow(name) {
        return document.querySelector(`[name="${name}"]`);
    }

    function setUpImageField(picker) {
        const hidden = picker.querySelector('input[type="hidden"]');
        const chosen = picker.querySelector("[data-library-chosen]");
        const clear = picker.querySelector("[data-library-clear]");
        const alt = fieldRow(picker.dataset.altField);
        picker.querySelector("[data-library-actions]").hidden = false;
        picker.querySelector("[data-library-open]").addEventListener("click", (event) => {
            const opener = event.currentTarget;
            open(picker.dataset.pickerUrl, (item) => {
                hidden.value = String(item.id);
                chosen.querySelector("img").src = item.url;
                chosen.querySelector("img").alt = item.alt;
                chosen.querySelector("figcaption").textContent = `${item.title}: used when you save.`;
                chosen.hidden = false;
                clear.hidden = false;
                if (alt && !alt.value.trim()) {
                    alt.value = item.alt;
                }
                opener.focus();
            });
        });
        clear.addEventListener("click", () => {
            hidden.value = "";
            chosen.hidden = true;
            clear.hidden = true;
        });
    }

    function insertInto(editor, item) {
        // A picture of its own between paragraphs, as WordPress inserts one, so that it can have a caption.
        editor.execute("insertImage", {source: [{src: item.url, alt: item.alt}], imageType: "imageBlock"});
        const image = editor.model.document.selection.getSelectedElement();
        if (image && item.alt) {
            editor.model.change((writer) => writer.setAttribute("alt", item.alt, image));
        }
        // The library's caption comes along (the command is asked once the image is selected, so it knows it).
        const toggleCaption = editor.commands.get("toggleImageCaption");
        if (image && item.caption && toggleCaption && toggleCaption.isEnabled && !toggleCaption.value) {
            editor.execute("toggleImageCaption", {focusCaptionOnShow: false});
            const caption = Array.from(image.getChildren()).find((child) => child.is("element", "caption"));
            if (caption && caption.isEmpty) {
                editor.model.change((writer) => writer.insertText(item.caption, caption, 0));
            }
        }
        editor.editing.view.focus();
    }

    function setUpEditor(textarea, url) {
        if (textarea.dataset.libraryReady) {
            return;
        }
        textarea.dataset.libraryReady = "1";
        const button = element("button", {type: "button", class: "button library-editor-button"},
            "Insert an image from the library…");
        button.setAttribute("aria-describedby", `${textarea.id}-library-hint`);
        const hint = element("span", {id: `${textarea.id}-library-hint`, class: "library-editor-hint"},
            "Inserted where the cursor is, with the image's alt text.");
        const wrapper = element("p", {class: "library-editor-actions"});
        wrapper.append(button, " ", hint);
        const container = textarea.closest(".django-ckeditor-widget") || textarea.parentElement;
        container.after(wrapper);
        button.addEventListener("click", () => {
            const editor = (window.editors || {})[textarea.id];
            if (!editor) {
                return;
            }
            open(url, (item) => insertInto(editor, item));
        });
    }

    function start() {
        const pickers = document.querySelectorAll("[data-library-picker]");
        if (!pickers.length || typeof HTMLDialogElement === "undefined") {
            return;
        }
        pickers.forEach(setUpImageField);
        const url = pickers[0].dataset.pickerUrl;
        const form = pickers[0].closest("form");
        (form || document).querySelectorAll("textarea.django_ckeditor_5").forEach((textarea) => {
            if (!textarea.id.includes("__prefix__")) {
                setUpEditor(textarea, url);
            }
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
